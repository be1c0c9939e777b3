"""Media for the Telegram emulator: residents' photos and voice notes, sendPhoto, sendVoice,
copyMessage, getFile and the file download at ``/file/bot<token>/<file_path>``.

Like the real server, sendPhoto and sendVoice given an http(s) URL FETCH it (refusing what is
unreachable or not of the right kind), a string without a scheme must be a known file id, and
sendPhoto takes an upload too (multipart: stored under a new file id, listed in ``uploads``);
captions are parsed as the text is (at most 1024 characters after entity parsing).
copyMessage copies a message a resident sent, media included, with its caption replaced when
``caption`` is given.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from tests.emulators.telegram_html import EntityError, code_points, parse_html

if TYPE_CHECKING:
    from tests.emulators.telegram import Call, Chat, SentMessage

MAX_CAPTION = 1024
MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile serves files up to 20 MB
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"RIFF")
AUDIO_MAGIC = (b"OggS", b"ID3", b"\xff\xfb", b"\xff\xf3")  # OGG, MP3; M4A checked apart


@dataclass
class StoredFile:
    file_id: str
    path: str
    data: bytes
    content_type: str


class MediaMethods:
    """Mixed into ``TelegramEmulator`` (which provides the lock, chats, ids and ``sent``)."""

    _cond: Any
    _message_ids: itertools.count[int]
    sent: list[SentMessage]

    def _init_media(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self.user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.fetched: list[str] = []  # URLs sendPhoto / sendVoice fetched
        self.uploads: list[str] = []  # file ids of photos uploaded (multipart) to sendPhoto
        self._file_ids = itertools.count(1)
        self._fetch_cache: dict[str, tuple[int, str, bytes]] = {}

    # ---------------------------------------------------------------- control API

    def send_photo(self, chat_id: int, data: bytes, caption: str = "", *, name: str = "Dân") -> int:
        """The resident sends a photo (with ``caption``); return its message id."""
        stored = self._store_file("photos", data, "image/jpeg")
        size = {"file_id": stored.file_id, "file_unique_id": stored.file_id[::-1]}
        photo = [{**size, "width": 320, "height": 200, "file_size": len(data)}]
        return self._user_message(chat_id, name, {"photo": photo}, caption)

    def send_voice(self, chat_id: int, data: bytes, *, duration: int = 2, name: str = "Dân") -> int:
        """The resident sends a voice note (OGG/Opus bytes); return its message id."""
        stored = self._store_file("voice", data, "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id[::-1],
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return self._user_message(chat_id, name, {"voice": voice}, "")

    def reply_text(self, chat_id: int, text: str, reply_to: int, *, name: str = "Dân") -> int:
        """The resident answers their message ``reply_to`` with ``text``; return its id."""
        with self._cond:
            original = self.user_messages[(chat_id, reply_to)]
        return self._user_message(chat_id, name, {"reply_to_message": original, "text": text}, "")

    def _store_file(self, folder: str, data: bytes, content_type: str) -> StoredFile:
        with self._cond:
            number = next(self._file_ids)
            file_id = f"AgAC{number:06d}file"
            stored = StoredFile(file_id, f"{folder}/file_{number}", data, content_type)
            self.files[file_id] = stored
        return stored

    def _user_message(self, chat_id: int, name: str, content: dict[str, Any], caption: str) -> int:
        self.add_chat(chat_id, name=name)  # type: ignore[attr-defined]
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": name},
            "from": {"id": chat_id, "is_bot": False, "first_name": name},
            **content,
        }
        if caption:
            message["caption"] = caption
            if caption.startswith("/"):
                length = len(caption.split()[0])
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": length}
                ]
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        with self._cond:
            self.user_messages[(chat_id, message_id)] = message
        self._push({"message": message})  # type: ignore[attr-defined]
        return message_id

    def media_to(self, chat_id: int, kind: str | None = None) -> list[SentMessage]:
        """Messages with media the bot sent to ``chat_id`` (of ``kind``: photo, voice)."""
        with self._cond:
            return [
                m
                for m in self.sent
                if m.chat_id == chat_id and m.kind != "text" and kind in (None, m.kind)
            ]

    # ---------------------------------------------------------------- methods

    async def _m_sendphoto(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return await self._send_media(params, call, "photo", IMAGE_MAGIC)

    async def _m_sendvoice(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        return await self._send_media(params, call, "voice", AUDIO_MAGIC)

    async def _send_media(
        self, params: dict[str, Any], call: Call, kind: str, magic: tuple[bytes, ...]
    ) -> dict[str, Any]:
        from tests.emulators.telegram import ApiError, SentMessage, _chat_id, _markup

        chat_id, raw = _chat_id(params), params.get(kind, "")
        with self._cond:  # flood control counts the request on arrival, before the fetch
            chat = self._gate(chat_id, call)  # type: ignore[attr-defined]
            text, entities = _checked_caption(params)
        media = str(raw)
        if isinstance(raw, bytes):  # uploaded: stored under a new file id, as Telegram does
            media = self._uploaded(raw, kind, magic)
        elif media.startswith(("http://", "https://")):
            await self._fetch(media, kind, magic)
        elif media not in self.files:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        with self._cond:
            message = SentMessage(
                chat_id,
                next(self._message_ids),
                str(params.get("caption", "")),
                text,
                entities,
                _markup(params),
                call.at,
                kind=kind,
                media=media,
            )
            self.sent.append(message)
        return _media_json(message, chat)

    def _uploaded(self, data: bytes, kind: str, magic: tuple[bytes, ...]) -> str:
        """An uploaded file (multipart): checked like a fetched one, stored, its new file id."""
        from tests.emulators.telegram import ApiError

        if kind != "photo" or not data.startswith(magic):
            raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        stored = self._store_file("photos", data, "image/jpeg")
        with self._cond:
            self.uploads.append(stored.file_id)
        return stored.file_id

    async def _fetch(self, url: str, kind: str, magic: tuple[bytes, ...]) -> None:
        from tests.emulators.telegram import ApiError

        cached = self._fetch_cache.get(url)
        if cached is None:
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    response = await client.get(url)
            except httpx.HTTPError as exc:
                raise ApiError(400, "Bad Request: failed to get HTTP URL content") from exc
            cached = (
                response.status_code,
                response.headers.get("content-type", ""),
                response.content,
            )
            with self._cond:
                self.fetched.append(url)
        status, _, body = cached
        if status != 200:
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        if not body.startswith(magic) and not (kind == "voice" and body[4:8] == b"ftyp"):
            raise ApiError(400, "Bad Request: wrong type of the web page content")
        self._fetch_cache[url] = cached

    async def _m_copymessage(self, params: dict[str, Any], call: Call) -> dict[str, int]:
        from tests.emulators.telegram import ApiError, SentMessage, _chat_id, _markup

        chat_id = _chat_id(params)
        try:
            key = (int(params["from_chat_id"]), int(params["message_id"]))
        except (KeyError, ValueError) as exc:
            raise ApiError(400, "Bad Request: message to copy not found") from exc
        with self._cond:
            original = self.user_messages.get(key)
            if original is None:
                raise ApiError(400, "Bad Request: message to copy not found")
            self._gate(chat_id, call)  # type: ignore[attr-defined]
            kind, media = _kind_of(original)
            if "caption" in params:
                text, entities = _checked_caption(params)
                html = str(params["caption"])
            else:
                text = html = str(original.get("caption") or original.get("text") or "")
                entities = []
            message = SentMessage(
                chat_id,
                next(self._message_ids),
                html,
                text,
                entities,
                _markup(params),
                call.at,
                kind=kind,
                media=media,
            )
            self.sent.append(message)
        return {"message_id": message.message_id}

    async def _m_getfile(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        from tests.emulators.telegram import ApiError

        with self._cond:
            stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id[::-1],
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    async def _download(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._cond:
            stored = next((f for f in self.files.values() if f.path == path), None)
        if stored is None:
            return Response(b"Not Found", 404)
        return Response(stored.data, 200, media_type=stored.content_type)


def _kind_of(message: dict[str, Any]) -> tuple[str, str | None]:
    if message.get("photo"):
        return "photo", str(message["photo"][-1]["file_id"])
    if message.get("voice"):
        return "voice", str(message["voice"]["file_id"])
    return "text", None


def _checked_caption(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    from tests.emulators.telegram import ApiError

    raw = str(params.get("caption", ""))
    if str(params.get("parse_mode", "")).lower() == "html":
        try:
            parsed = parse_html(raw)
        except EntityError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        text, entities = parsed.text, parsed.entities
    else:
        text, entities = raw, []
    if code_points(text) > MAX_CAPTION:
        raise ApiError(400, "Bad Request: message caption is too long")
    return text, entities


def _media_json(message: SentMessage, chat: Chat) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": chat.id, "type": chat.type, "first_name": chat.first_name},
        "from": {"id": 1, "is_bot": True, "first_name": "Loa"},
    }
    if message.text:
        body["caption"] = message.text
    if message.kind == "photo":
        file_id = message.media or "photo"
        body["photo"] = [
            {"file_id": file_id, "file_unique_id": "u" + file_id, "width": 1, "height": 1}
        ]
    else:
        body["voice"] = {"file_id": message.media or "voice", "file_unique_id": "v", "duration": 1}
    return body
