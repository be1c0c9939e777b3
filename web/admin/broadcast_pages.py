"""Thông báo: history, the form (text, target, an optional photo), the preview, Gửi (once),
Dừng, and the progress the page polls. Broadcasts go through ``storage.broadcasts`` like chat
and CLI ones: Gửi flips the draft once, so a second press queues nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from base.timefmt import zone
from bot import texts
from bot.admins import decide, refusal
from bot.catalog import ChoiceKind
from bot.media_broadcast import MAX_CAPTION
from bot.render import html_to_text, render_broadcast, utf16_len
from news.audience import all_quiet, nobody_reason
from storage import broadcast_progress, broadcasts, media
from storage.broadcast_targets import Target, count_quiet, reached_channels
from storage.broadcasts import CancelRefused, text_problem
from storage.models import Broadcast, BroadcastState, utcnow
from web.admin import photo, views
from web.admin.site import PREFIX, STATES, Admin, AdminSite

log = logging.getLogger(__name__)


async def history(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        found = await views.history(session)
    return site.page("broadcasts.html", admin=admin, site=site, broadcasts=found)


def _form(site: AdminSite, admin: Admin, status: int = 200, **values: Any) -> Response:
    return site.page(
        "broadcast_new.html",
        status,
        admin=admin,
        communes=site.commune_options(admin.scope),
        topics=site.catalog.topic_choices(),
        max_megabytes=site.settings.media.max_megabytes,
        values=values,
    )


async def new(request: Request, site: AdminSite, admin: Admin) -> Response:
    return _form(site, admin)


async def draft(request: Request, site: AdminSite, admin: Admin) -> Response:
    form = await request.form()
    text = str(form.get("text") or "").replace("\r\n", "\n").strip()
    commune = str(form.get("commune") or "") or None
    topic = str(form.get("topic") or "") or None
    emergency = form.get("emergency") is not None
    values = {"text": text, "commune": commune, "topic": topic, "emergency": emergency}
    if commune is not None and site.catalog.choice(ChoiceKind.COMMUNE, commune) is None:
        return _form(site, admin, 400, error=texts.ADMIN_NO_COMMUNE, **values)
    if topic is not None and site.catalog.choice(ChoiceKind.TOPIC, topic) is None:
        return _form(site, admin, 400, error=texts.ADMIN_NO_TOPIC, **values)
    if text_problem(text):
        error = texts.ADMIN_NO_TEXT if not text else texts.ADMIN_TEXT_TOO_LONG
        return _form(site, admin, 400, error=error, **values)
    picture = await _photo(site, form.get("photo"))
    if isinstance(picture, str):
        return _form(site, admin, 400, error=picture, **values)
    if picture is not None and utf16_len(text) > MAX_CAPTION:
        error = texts.media_caption_too_long(utf16_len(text), MAX_CAPTION)
        return _form(site, admin, 400, error=error, **values)
    decision = decide(site.access.scopes(admin.who), Target(commune=commune, topic=topic))
    if decision.ask:
        return _form(site, admin, 400, error=texts.ADMIN_CHOOSE_COMMUNE, **values)
    if decision.scope is None:
        log.warning(
            "admin page: broadcast refused for %s (commune=%s topic=%s): %s",
            admin.scope.who,
            commune,
            topic,
            decision.reason,
        )
        return _form(site, admin, 403, error=Markup(decision.refusal or ""), **values)
    signer, target = decision.scope, decision.target
    expiry = timedelta(hours=site.settings.broadcasts.preview_expiry_hours)
    async with site.sessions.begin() as session:
        broadcast = await broadcasts.create_preview(
            session,
            text=text,
            target=target,
            emergency=emergency,
            created_by=signer.who,
            preview_expiry=expiry,
            author_name=signer.name,
            scope=signer.kind,
        )
        if picture is not None:  # stored with the draft, in one transaction
            stored = await media.store(session, picture.data, picture.content_type)
            photo.draft(stored.name, site.settings.web.public_url).attach(broadcast)
    log.info(
        "broadcast %d drafted by %s%s",
        broadcast.id,
        admin.scope.who,
        f" with a photo ({len(picture.data)} bytes)" if picture else "",
    )
    return RedirectResponse(f"{PREFIX}/broadcasts/{broadcast.id}", status_code=303)


async def _photo(site: AdminSite, field: UploadFile | str | None) -> photo.Photo | str | None:
    """The form's photo (None: no file chosen), or why it is refused."""
    if not isinstance(field, UploadFile) or not (field.filename or field.size):
        return None
    limit = site.settings.media.max_megabytes
    # One byte over the cap is enough to refuse it: a huge file is not read into memory.
    data = await field.read(int(limit * 1024 * 1024) + 1)
    if len(data) > limit * 1024 * 1024:
        return texts.media_too_large((field.size or len(data)) / 1024 / 1024, limit)
    return photo.check(data, limit)


async def _load(
    site: AdminSite, broadcast_id: int
) -> tuple[Broadcast | None, broadcast_progress.Progress]:
    async with site.sessions() as session:
        row = await session.get(Broadcast, broadcast_id)
        progress = await broadcast_progress.progress(session, broadcast_id)
    return row, progress


async def broadcast(request: Request, site: AdminSite, admin: Admin) -> Response:
    row, progress = await _load(site, int(request.path_params["id"]))
    if row is None:
        return site.message(texts.ADMIN_TITLE_NOT_FOUND, texts.ADMIN_NO_BROADCAST, 404, admin)
    view = views.broadcast_view(row)
    message = render_broadcast(row.text, row.emergency, view.author_name)
    note = request.query_params.get("note")
    quiet = await _quiet(site, row)
    return site.page(
        "broadcast.html",
        admin=admin,
        site=site,
        b=view,
        progress=progress,
        telegram_html=Markup(message.html),  # escaped by the renderer, as Telegram reads it
        zalo_text=html_to_text(message.html),
        media=photo.media_view(row, site.settings.web.public_url),
        note={"already": texts.ADMIN_ALREADY_SENT, "expired": texts.ADMIN_DRAFT_EXPIRED}.get(
            note or ""
        ),
        nobody=Markup(_nobody(site, row) or ""),
        quiet=Markup(quiet),
    )


def _nobody(site: AdminSite, row: Broadcast) -> str | None:
    """Why ``row`` reaches no one (then the page offers no Gửi), or None."""
    counts = views.broadcast_view(row).counts
    bots = bool(site.settings.zalo.token or site.settings.telegram.token)
    reason = nobody_reason(
        sum(counts.values()),
        bots=bots,
        commune=row.commune,
        topic=row.topic,
        targeted=bool(counts),  # channels listed with 0 get nothing of this broadcast
    )
    if reason is None:
        return None
    commune = site.commune_label(row.commune) if row.commune else None
    return texts.broadcast_nobody(reason, commune, site.topic_label(row.topic) or None)


async def _quiet(site: AdminSite, row: Broadcast) -> str:
    """For a draft: how many it reaches are in quiet hours now, and until when ("" if none)."""
    if row.state != BroadcastState.PREVIEW.value or row.emergency or row.urgent:
        return ""
    target = Target(commune=row.commune, topic=row.topic)
    async with site.sessions() as session:
        quiet = await count_quiet(session, target, utcnow(), reached_channels(row))
    if not quiet.count:
        return ""
    tz = zone(site.settings.places.timezone)
    until = quiet.until.astimezone(tz).strftime("%H:%M") if quiet.until else None
    total = sum(views.broadcast_view(row).counts.values())
    return texts.admin_broadcast_quiet(quiet.count, all_quiet(total, quiet.count), until)


async def send(request: Request, site: AdminSite, admin: Admin) -> Response:
    broadcast_id = int(request.path_params["id"])
    expiry = timedelta(hours=site.settings.broadcasts.preview_expiry_hours)
    async with site.sessions.begin() as session:
        row = await session.get(Broadcast, broadcast_id)
        if row is None:
            return site.message(texts.ADMIN_TITLE_NOT_FOUND, texts.ADMIN_NO_BROADCAST, 404, admin)
        target = Target(commune=row.commune, topic=row.topic)
        if refusal(admin.scope, target, site.catalog) is not None:
            return site.message(texts.ADMIN_TITLE_FORBIDDEN, texts.ADMIN_MAY_NOT_SEND, 403, admin)
        if row.state == BroadcastState.PREVIEW.value and _nobody(site, row) is not None:
            # The page offers no Gửi then; a forged or stale post queues nothing either.
            return RedirectResponse(f"{PREFIX}/broadcasts/{broadcast_id}", status_code=303)
        queued = await broadcasts.confirm(session, broadcast_id, preview_expiry=expiry)
        expired = queued is None and await broadcasts.is_expired(session, broadcast_id)
    where = f"{PREFIX}/broadcasts/{broadcast_id}"
    if queued is None:
        return RedirectResponse(f"{where}?note={'expired' if expired else 'already'}", 303)
    log.info("broadcast %d confirmed by %s: %d queued", broadcast_id, admin.scope.who, queued)
    if queued and site.on_queued is not None:
        site.on_queued()
    return RedirectResponse(where, status_code=303)


async def cancel(request: Request, site: AdminSite, admin: Admin) -> Response:
    broadcast_id = int(request.path_params["id"])
    async with site.sessions.begin() as session:
        row = await session.get(Broadcast, broadcast_id)
        if row is None:
            return site.message(texts.ADMIN_TITLE_NOT_FOUND, texts.ADMIN_NO_BROADCAST, 404, admin)
        if refusal(admin.scope, Target(row.commune, row.topic), site.catalog) is not None:
            return site.message(texts.ADMIN_TITLE_FORBIDDEN, texts.ADMIN_MAY_NOT_STOP, 403, admin)
        try:
            await broadcasts.cancel_broadcast(
                session, broadcast_id, reason=f"cancelled by {admin.scope.who}"
            )
        except CancelRefused as exc:
            log.info("admin page: %s: %s", admin.scope.who, exc)
        else:
            log.info("broadcast %d cancelled by %s", broadcast_id, admin.scope.who)
    return RedirectResponse(f"{PREFIX}/broadcasts/{broadcast_id}", status_code=303)


async def progress(request: Request, site: AdminSite, admin: Admin) -> Response:
    row, progress = await _load(site, int(request.path_params["id"]))
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse(
        {
            "state": row.state,
            "state_label": STATES.get(row.state, row.state),
            "sent": progress.sent,
            "failed": progress.failed,
            "pending": progress.pending,
            "held": progress.held,  # waiting for residents' quiet hours to end
            "final": row.state in ("done", "cancelled"),
        }
    )
