"""Every resident-facing text, in Vietnamese, in one place.

Texts are Telegram-HTML (the ``Reply.html`` subset). Constants hold no user data; functions
take raw values and escape them, so no caller ever builds markup from user input by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from news.audience import Nobody, all_quiet
from news.source_problems import Kind, SourceProblem, classify

BRAND = "Loa"

# (command, description) for Telegram's setMyCommands: names are ASCII, descriptions ≤ 256.
COMMAND_MENU: list[tuple[str, str]] = [
    ("start", "Bắt đầu nhận tin"),
    ("dangky", "Đăng ký tin theo xã hoặc chủ đề"),
    ("huydangky", "Hủy đăng ký một xã, chủ đề, hoặc tất cả"),
    ("cuatoi", "Xem những gì bà con đang nhận"),
    ("tinmoi", "Xem tin mới nhất"),
    ("timkiem", "Tìm tin theo từ khóa"),
    ("bantin", "Nhận một bản tin mỗi ngày vào giờ bà con chọn"),
    ("yentinh", "Giờ yên tĩnh: giữ tin lại trong khoảng giờ này"),
    ("dsxa", "Danh sách xã, phường"),
    ("chude", "Danh sách chủ đề"),
    ("huongdan", "Hướng dẫn sử dụng"),
    ("gioithieu", "Loa là gì, do ai vận hành, tin lấy từ đâu"),
    ("id", "Xem mã người dùng của bà con (cho người quản trị)"),
    ("stop", "Dừng nhận tin và xóa dữ liệu của bà con"),
]

WELCOME = (
    "Chào mừng bà con đến với <b>Loa</b> – tin tức chính quyền tỉnh Điện Biên! "
    "Từ bây giờ bà con sẽ nhận <b>mọi tin mới</b>.\n"
    "Chỉ muốn nhận tin của xã mình? Gõ /dangky và tên xã, ví dụ: /dangky Sam Mứn\n"
    "Hoặc chọn chủ đề: /chude để xem danh sách. Mọi lệnh: /huongdan"
)

HELP = (
    "<b>Loa – hướng dẫn</b>\n"
    "/dangky <i>tên xã hoặc chủ đề</i> – chỉ nhận tin về xã hoặc chủ đề đó "
    "(gõ không dấu cũng được, tên xã cũ cũng được)\n"
    "/huydangky <i>tên</i> – bỏ một lựa chọn; /huydangky tatca – nhận lại mọi tin\n"
    "/cuatoi – xem bà con đang nhận tin gì\n"
    "/tinmoi <i>[số bài]</i> – tin mới nhất (mặc định 5, tối đa 10)\n"
    "/bantin <i>giờ</i> – một bản tin mỗi ngày, ví dụ: /bantin 07:00 (tắt: /bantin tat)\n"
    "/yentinh <i>giờ-giờ</i> – giữ tin lại trong khoảng giờ đó, ví dụ: /yentinh 22:00-06:00\n"
    "/timkiem <i>từ khóa</i> – tìm tin, ví dụ: /timkiem lu quet\n"
    "/dsxa – danh sách xã, phường; /chude – danh sách chủ đề\n"
    "/stop (hoặc /dung) – dừng nhận tin và xóa dữ liệu của bà con (Loa hỏi lại trước khi xóa)\n"
    "/id (hoặc /toi) – xem mã người dùng của bà con, khi người quản trị cần\n"
    "/gioithieu – Loa là gì, do ai vận hành, tin lấy từ đâu\n"
    "Chưa đăng ký gì thì bà con nhận mọi tin mới.\n"
    "Bà con cũng có thể nhắn như nói chuyện, có dấu hay không dấu đều được, ví dụ: "
    "tin xã Mường Phăng · dang ky pom lot · bản tin 6 giờ chiều · tìm tin về cà phê"
)

ERROR = "Xin lỗi, Loa gặp lỗi khi xử lý yêu cầu này. Bà con vui lòng thử lại sau ít phút."
READ_MORE = "Đọc toàn bài"
EMERGENCY_MARK = "⚠️"
CHOOSE_WHAT = "Bà con muốn nhận tin về xã, phường hay chủ đề nào? Chọn bên dưới."
CHOOSE_COMMUNE = "Chọn xã, phường của bà con:"
PICK_COMMUNE_BUTTON = "📍 Chọn xã, phường…"
UNSUBSCRIBE_WHAT = (
    "Bà con muốn bỏ lựa chọn nào? Chọn bên dưới, hoặc /huydangky tatca để nhận lại mọi tin."
)
UNSUBSCRIBE_ALL_BUTTON = "Nhận lại mọi tin"
NOT_A_RESIDENT = "Bà con chưa đăng ký nhận tin. Gõ /start để bắt đầu."
RECEIVING_ALL = (
    "Bà con đang nhận <b>mọi tin mới</b>. Gõ /dangky để chỉ nhận tin theo xã hoặc chủ đề."
)
CLEARED = "Đã bỏ mọi lựa chọn. Từ bây giờ bà con nhận <b>mọi tin mới</b>."
NOTHING_TO_CLEAR = "Bà con chưa chọn gì: bà con đang nhận mọi tin mới."
STOPPED = "Đã dừng gửi tin và xóa toàn bộ dữ liệu của bà con. Gõ /start nếu muốn nhận tin trở lại."
STOP_NOTHING = "Loa không lưu dữ liệu nào của bà con. Gõ /start nếu muốn nhận tin."
ONLY_TEXT = "Loa chỉ đọc được tin nhắn chữ. Gõ /huongdan để xem các lệnh."
NO_ARTICLES = "Chưa có tin nào."
SEARCH_HOW = "Gõ từ khóa cần tìm, ví dụ: /timkiem mua lu"
STALE_BUTTON = "Lựa chọn này đã cũ. Gõ /huongdan để xem các lệnh."


def about_loa(operator: str, sources: Sequence[tuple[str, str]]) -> str:
    """/gioithieu, "bot này của ai", "tin lấy từ đâu": what Loa is, who runs it, where its
    news comes from (``sources``: (title, web address) pairs) and how to tell it from a scam."""
    lines = [
        "<b>Loa</b> là bot tự động (máy trả lời, không phải người) đưa tin của chính quyền "
        "đến bà con qua tin nhắn.",
        f"Đơn vị vận hành: {escape(operator)}.",
    ]
    if sources:
        lines.append("Tin lấy từ trang thông tin chính thức:")
        lines += [f"• {escape(title)} ({escape(host)})" for title, host in sources]
    lines += [
        f"Mỗi tin đều có đường dẫn “{READ_MORE}” mở bài gốc để bà con tự kiểm tra.",
        "Dùng Loa không mất tiền. Loa chỉ lưu mã trò chuyện, tên hiển thị của bà con và những "
        "gì bà con chọn nhận; gõ /stop để dừng và xóa hết.",
        "Loa không bao giờ hỏi mật khẩu, mã OTP, số tài khoản hay tiền của bà con: "
        "ai hỏi những điều đó là kẻ lừa đảo.",
        "Gõ /huongdan để xem các lệnh.",
    ]
    return "\n".join(lines)


NO_COMMUNES = "Chưa có danh sách xã, phường."
NO_TOPICS = "Chưa có danh sách chủ đề."
LATEST_HEADING = "<b>Tin mới nhất</b>"
# A reply quotes at most this much of what the resident typed: a 5 000-character argument must
# not push the answer over the platform's limit (Telegram 4096, Zalo 2000), or it is refused.
QUOTE_LIMIT = 100


def quoted(typed: str, limit: int = QUOTE_LIMIT) -> str:
    """What the resident typed, ready to quote: on one line, at most ``limit`` characters (cut
    at a word, with "…"), HTML-escaped (escaping comes last, so the limit is on what is seen)."""
    shown = " ".join(typed.split())
    if len(shown) > limit:
        head = shown[: max(limit - 1, 0)]  # one character left for the ellipsis
        if shown[len(head)] != " " and " " in head:
            at_word = head.rsplit(" ", 1)[0]
            if len(at_word) >= len(head) // 2:  # one very long word is cut inside instead
                head = at_word
        shown = head.rstrip(" ,;:.-–") + "…"
    return escape(shown)


def welcome_back(labels: Sequence[str]) -> str:
    """/start from a resident who already chose communes or topics."""
    return (
        "Chào mừng bà con trở lại! Bà con đang nhận tin về: "
        + ", ".join(f"<b>{escape(label)}</b>" for label in labels)
        + ".\nGõ /huydangky tatca để nhận mọi tin, /huongdan để xem các lệnh."
    )


def subscribed(label: str, first: bool) -> str:
    """Confirmation; the first choice also changes "everything" into "only what you chose"."""
    text = f"Đã đăng ký nhận tin về <b>{escape(label)}</b>."
    if first:
        text += " Từ giờ bà con chỉ nhận tin về những gì đã chọn."
    return text + " Xem lựa chọn của bà con: /cuatoi"


def already_subscribed(label: str) -> str:
    return f"Bà con đã đăng ký <b>{escape(label)}</b> rồi. Xem lựa chọn của bà con: /cuatoi"


def merged(old_label: str, new_label: str) -> str:
    """The 2025 reorganisation, explained: "Xã Pom Lót nay thuộc xã Sam Mứn."."""
    return f"{escape(_capitalised(old_label))} nay thuộc <b>{escape(new_label)}</b>."


def choice_label(label: str, old_label: str | None) -> str:
    """A button naming a choice; an old name: "xã Pom Lót (cũ) → nay thuộc xã Sam Mứn"."""
    return f"{old_label} (cũ) → nay thuộc {label}" if old_label else label


def unsubscribed(label: str, remaining: int) -> str:
    tail = "" if remaining else " Bà con không còn lựa chọn nào nên sẽ nhận <b>mọi tin mới</b>."
    return f"Đã bỏ <b>{escape(label)}</b>.{tail}"


def not_subscribed(label: str) -> str:
    return f"Bà con chưa đăng ký <b>{escape(label)}</b>. Xem lựa chọn của bà con: /cuatoi"


def not_found(typed: str, has_suggestions: bool) -> str:
    """Nothing matched what the resident typed; close names follow as buttons, if any."""
    base = f"Không tìm thấy xã, phường hay chủ đề “{quoted(typed)}”."
    if has_suggestions:
        return base + " Có phải bà con muốn chọn một trong các tên dưới đây?"
    return base + " Xem danh sách: /dsxa, /chude"


def ambiguous(typed: str) -> str:
    return f"“{quoted(typed)}” có thể là nhiều nơi hoặc chủ đề. Bà con chọn một:"


def my_subscriptions(communes: Sequence[str], topics: Sequence[str]) -> str:
    lines = ["<b>Bà con đang nhận tin về:</b>"]
    if communes:
        lines.append("📍 " + ", ".join(escape(c) for c in communes))
    if topics:
        lines.append("🏷 " + ", ".join(escape(t) for t in topics))
    lines.append("Bỏ bớt: /huydangky tên; nhận mọi tin: /huydangky tatca")
    return "\n".join(lines)


def communes_list(entries: Sequence[tuple[str, Sequence[str]]]) -> str:
    """Current units, each with the old names it absorbed."""
    lines = [f"<b>Xã, phường ({len(entries)})</b>"]
    for label, old in entries:
        suffix = f" <i>(gồm {escape(', '.join(old))})</i>" if old else ""
        lines.append(f"• {escape(label)}{suffix}")
    lines.append("Đăng ký: /dangky tên xã")
    return "\n".join(lines)


def topics_list(entries: Sequence[tuple[str, str]]) -> str:
    """Topics as (slug, name)."""
    lines = ["<b>Chủ đề</b>"]
    lines += [f"• {escape(name)} – /dangky {escape(slug)}" for slug, name in entries]
    return "\n".join(lines)


def search_heading(query: str) -> str:
    return f"<b>Kết quả tìm “{quoted(query)}”</b>"


def search_empty(query: str) -> str:
    return f"Không tìm thấy tin nào có “{quoted(query)}”. Thử từ khóa khác, gõ không dấu cũng được."


def continued(heading: str) -> str:
    """Heading of the second and later messages of a split list."""
    return f"{heading} <i>(tiếp)</i>"


GREETING = (
    "Xin chào bà con! Loa gửi bà con tin của chính quyền tỉnh Điện Biên ạ.\n"
    "• /dangky <i>tên xã</i> – nhận tin của xã mình, ví dụ: /dangky Sam Mứn\n"
    "• /tinmoi – xem tin mới nhất\n"
    "• /timkiem <i>từ khóa</i> – tìm tin\n"
    "• /huongdan – mọi lệnh"
)
MORE_BUTTON = "Thêm…"
STOP_CONFIRM = (
    "Bà con muốn <b>dừng nhận tin và xóa toàn bộ dữ liệu</b> của bà con (các xã, chủ đề đã chọn)?\n"
    "Chỉ muốn bỏ các lựa chọn để nhận mọi tin? Gõ /huydangky tatca"
)
STOP_YES_BUTTON = "Dừng và xóa dữ liệu"
STOP_NO_BUTTON = "Không, tiếp tục nhận tin"
STOP_KEPT = "Loa vẫn gửi tin cho bà con như trước. Không có gì bị xóa."


def matches(typed: str, count: int, page: int, pages: int) -> str:
    """Every unit or topic whose name holds what the resident typed, one page of them."""
    text = f"Có {count} nơi hoặc chủ đề có tên “{quoted(typed)}”. Bà con chọn một:"
    return text + (f" <i>(trang {page}/{pages})</i>" if pages > 1 else "")


def latest_clamped(asked: str, shown: int, maximum: int) -> str:
    """Why /tinmoi shows another number of articles than asked."""
    try:
        number = int(asked)
    except ValueError:
        return f"<i>“{quoted(asked, 20)}” không phải là số, Loa hiện {shown} tin.</i>"
    if number > maximum:
        return f"<i>Loa chỉ hiện tối đa {maximum} tin mỗi lần.</i>"
    return f"<i>Số tin phải từ 1 đến {maximum}, Loa hiện {shown} tin.</i>"


def recent_offer(label: str) -> str:
    """The button (or numbered line) offering the latest articles about a new choice."""
    return f"📰 Xem 3 tin mới nhất về {label}"


def recent_heading(label: str) -> str:
    return f"<b>Tin mới nhất về {escape(label)}</b>"


def no_recent(label: str) -> str:
    return f"Chưa có tin nào về <b>{escape(label)}</b>. Loa sẽ gửi ngay khi có tin mới."


def answer_by_number(count: int) -> str:
    """The prompt under numbered choices: "Trả lời 1, 2 hoặc 3"."""
    numbers = [str(n) for n in range(1, count + 1)]
    if count <= 1:
        return "Trả lời 1"
    if count <= 5:
        return f"Trả lời {', '.join(numbers[:-1])} hoặc {numbers[-1]}"
    return f"Trả lời một số từ 1 đến {count}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- administrator broadcasts ---------------------------------------------------------------

NOT_ADMIN = "Xin lỗi, chỉ cán bộ quản trị mới gửi được thông báo. Thông báo của bạn chưa được gửi."
BROADCAST_HOW = (
    "Gõ nội dung sau lệnh, ví dụ:\n"
    "/thongbao Chiều nay 14h họp dân tại nhà văn hóa bản\n"
    "/thongbao xã Sam Mứn: Ngày mai cắt điện từ 7h đến 11h\n"
    "/canhbao Lũ quét có thể xảy ra, không qua ngầm tràn"
)
SEND_BUTTON = "Gửi"
CANCEL_BUTTON = "Hủy"
BROADCAST_CANCELLED = "Đã hủy thông báo. Không gửi cho ai."
BROADCAST_GONE = "Không tìm thấy thông báo này."
BROADCAST_ALREADY = "Thông báo này đã được gửi hoặc đã hủy trước đó; Loa không gửi lại."
BROADCAST_EXPIRED = (
    "Bản xem trước này đã quá hạn nên Loa không gửi. Bạn vui lòng soạn lại thông báo bằng"
    " /thongbao."
)


def broadcast_too_long(length: int, maximum: int) -> str:
    return f"Thông báo dài {length} ký tự, tối đa {maximum}. Bạn vui lòng rút gọn rồi gửi lại."


def broadcast_target(commune: str | None, topic: str | None) -> str:
    """Who a broadcast reaches, in words."""
    if commune and topic:
        return f"người đăng ký {escape(commune)} (chủ đề {escape(topic)})"
    if commune:
        return f"người đăng ký {escape(commune)}"
    if topic:
        return f"người đăng ký chủ đề {escape(topic)} và người nhận mọi tin"
    return "mọi người đang nhận tin"


def broadcast_nobody(reason: Nobody, commune: str | None = None, topic: str | None = None) -> str:
    """Why a broadcast would reach nobody (``news.audience``); no Gửi is offered then."""
    if reason is Nobody.NO_BOT:
        return (
            "Chưa có bot Zalo hay Telegram nào được cài cho Loa, nên không ai nhận được."
            " Người quản trị kỹ thuật cần đặt mã bot (token) rồi khởi động lại Loa."
        )
    if reason is Nobody.NO_COMMUNE and commune:
        return (
            f"Chưa có người dân nào đăng ký nhận tin {escape(commune)}."
            " Người dân đăng ký bằng lệnh /dangky trên Zalo hoặc Telegram."
        )
    if reason is Nobody.NOT_REACHED:
        return (
            "Người nhận dùng Zalo, mà Zalo chỉ nhận được phần chữ của thông báo này."
            " Hãy gửi kèm lời (chú thích) cho ảnh hoặc tin nhắn thoại."
        )
    if reason is Nobody.NO_TOPIC and topic:
        return f"Chưa có người dân nào đăng ký chủ đề {escape(topic)}."
    return "Chưa có người dân nào đăng ký nhận tin của Loa."


def broadcast_all_quiet(count: int, until: str | None) -> str:
    """Every targeted resident is in quiet hours: nobody gets it now, all do when those end."""
    when = f", muộn nhất lúc {escape(until)}" if until else ""
    return (
        f"🌙 Lúc này chưa ai nhận ngay: cả <b>{count}</b> người đang trong giờ yên tĩnh. Thông báo"
        f" sẽ đến họ khi hết giờ yên tĩnh{when}. Muốn gửi ngay: /thongbao gấp: NỘI DUNG"
    )


def broadcast_preview(
    target: str,
    counts: dict[str, int],
    emergency: bool,
    *,
    buttons: bool = True,
    quiet: int = 0,
    quiet_until: str | None = None,
    nobody: str | None = None,
) -> str:
    """The question under the preview: target, residents per channel, Gửi / Hủy (``buttons``:
    the channel shows buttons; otherwise they are answered by number); ``quiet`` of them are
    in their quiet hours (until ``quiet_until``, HH:MM) and get it when those end. ``nobody``
    (``broadcast_nobody``): why it reaches no one; then only Hủy is offered."""
    per_channel = ", ".join(f"{escape(name)} {count}" for name, count in sorted(counts.items()))
    total = sum(counts.values())
    lines = [
        "<b>Xem trước thông báo</b> (tin ở trên là đúng như người dân sẽ nhận)",
        f"Gửi tới: {target}",
        f"Số người nhận: <b>{total}</b>" + (f" ({per_channel})" if per_channel else ""),
    ]
    if nobody:
        lines.append(f"⛔ <b>Không có ai để gửi.</b> {nobody}")
        lines.append("Bấm <b>Hủy</b> để bỏ bản nháp." if buttons else "Trả lời <b>1</b> để bỏ.")
        return "\n".join(lines)
    if emergency:
        lines.append("⚠️ <b>Khẩn cấp</b>: gửi trước mọi tin đang chờ.")
    if all_quiet(total, quiet):
        lines.append(broadcast_all_quiet(quiet, quiet_until))
    elif quiet:
        until = f" (muộn nhất {escape(quiet_until)})" if quiet_until else ""
        lines.append(
            f"🌙 Trong đó <b>{quiet}</b> người đang trong giờ yên tĩnh: họ nhận thông báo khi hết"
            f" giờ yên tĩnh{until}. Muốn gửi ngay cho cả họ: /thongbao gấp: NỘI DUNG"
        )
    if buttons:
        lines.append("Bấm <b>Gửi</b> để gửi, <b>Hủy</b> để bỏ.")
    else:  # Zalo and the console: the buttons become numbered lines "1. Gửi", "2. Hủy"
        lines.append("Trả lời <b>1</b> để gửi, <b>2</b> để hủy.")
    return "\n".join(lines)


def broadcast_queued(count: int, held: int = 0) -> str:
    if count == 0:
        return "Không có ai để gửi: thông báo đã được lưu nhưng không gửi cho ai."
    text = f"Đang gửi thông báo tới <b>{count}</b> người. Loa sẽ báo cáo khi gửi xong."
    if held:
        text += f"\n🌙 {held} người trong số đó nhận khi hết giờ yên tĩnh của họ."
    return text


def broadcast_progress(sent: int, failed: int, pending: int, done: bool, held: int = 0) -> str:
    """Progress, or the final report (``done``: nothing is pending or held any more)."""
    head = "<b>Đã gửi xong thông báo</b>" if done else "<b>Đang gửi thông báo…</b>"
    text = f"{head}\nĐã gửi: {sent} · Lỗi: {failed} · Đang chờ: {pending}"
    if held:
        text += f" · Đang chờ hết giờ yên tĩnh: {held}"
    return text


# -- commune administrators (bot.admins) -----------------------------------------------------

BROADCAST_SIGNATURE = "📢"  # a broadcast begins "📢 <who speaks>: "
NOT_SENT = "Thông báo chưa được gửi cho ai."
CHOOSE_BROADCAST_COMMUNE = "Bạn quản trị nhiều xã, phường. Gửi thông báo này cho nơi nào?"


def _places(names: list[str]) -> str:
    return ", ".join(escape(n) for n in names)


def refused_other_commune(target: str, own: list[str]) -> str:
    """A commune administrator named a commune that is not theirs."""
    return (
        f"Xin lỗi, bạn chỉ được gửi thông báo cho {_places(own)}, không gửi được cho "
        f"{escape(target)}. {NOT_SENT}"
    )


def refused_topic(topic: str, own: list[str]) -> str:
    """A commune administrator named a topic alone (it would reach the whole province)."""
    example = escape(own[0]) if own else "xã của bạn"
    return (
        f"Xin lỗi, thông báo theo chủ đề {escape(topic)} sẽ đến cả tỉnh, còn bạn chỉ được gửi "
        f"cho {_places(own)}. Hãy ghi cả xã, ví dụ: /thongbao {example}, {escape(topic)}: "
        f"nội dung. {NOT_SENT}"
    )


def refused_province(own: list[str]) -> str:
    """A commune administrator's broadcast would reach the whole province."""
    return (
        f"Xin lỗi, bạn chỉ được gửi thông báo cho {_places(own)}, không gửi được cho cả tỉnh. "
        f"{NOT_SENT}"
    )


def admin_help(places: list[str]) -> str:
    """The administrator part of /help: ``places`` are the communes they may address, empty
    for a province-wide administrator."""
    if places:
        where = _places(places)
        target = f"/thongbao <i>nội dung</i> – gửi thông báo tới người dân {where}\n"
        example = escape(places[0])
    else:
        target = (
            "/thongbao <i>nội dung</i> – gửi thông báo tới mọi người dân; "
            "/thongbao <i>xã Sam Mứn: nội dung</i> – chỉ một xã (hoặc một chủ đề)\n"
        )
        example = "xã Sam Mứn"
    return (
        "\n\n<b>Dành cho cán bộ quản trị</b>\n"
        + target
        + f"/canhbao <i>nội dung</i> – cảnh báo khẩn cấp, gửi trước mọi tin (ví dụ: /canhbao "
        f"{example}: Lũ quét, không qua ngầm tràn)\n"
        "Loa cho xem trước, bấm Gửi để gửi hoặc Hủy để bỏ."
    )


_CHANNEL_NAMES = {"zalo": "Zalo", "telegram": "Telegram", "console": "thử trên máy chủ"}


def your_id(channel: str, user_id: str) -> str:
    """/id: the resident's channel and user id, what an operator writes into ``admins``."""
    name = _CHANNEL_NAMES.get(channel, channel)
    if channel == "console":  # `loa chat` on the server: nobody's account, no id to give
        return f"Kênh: <b>{escape(name)}</b> (không có mã người dùng)"
    return (
        f"Kênh: <b>{escape(name)}</b> · Mã người dùng của bà con: <code>{escape(user_id)}</code>\n"
        "(đưa mã này cho người quản trị khi cần ạ)"
    )


def channel_paused(channel: str, minutes: float) -> str:
    """To administrators: a platform has throttled Loa for a long time (nothing is lost)."""
    name = _CHANNEL_NAMES.get(channel, channel)
    return (
        f"⚠️ <b>{escape(name)} đang giới hạn Loa</b> đã {minutes:.0f} phút (hết hạn mức gửi tin)."
        " Loa tạm dừng gửi trên kênh này và sẽ tự gửi tiếp khi được phép; không tin nào bị mất."
    )


def channel_broken(channel: str, answer: str, checked: str) -> str:
    """To administrators: a platform refuses Loa's messages to every chat (a revoked token,
    a wrong address); nobody was unsubscribed, everything waits. ``answer`` and ``checked``
    are the platform's own words (English), shown as they came."""
    name = _CHANNEL_NAMES.get(channel, channel)
    return (
        f"⚠️ <b>{escape(name)} từ chối gửi tin của Loa</b> tới nhiều người liên tiếp, nên lỗi"
        " nằm ở bot (mã bot bị thu hồi, sai địa chỉ máy chủ…), không phải ở người dân."
        " Loa tạm dừng kênh này, không hủy đăng ký của ai; các tin đang chờ sẽ được gửi khi kênh"
        f" hoạt động lại.\nTrả lời của nền tảng: <code>{escape(answer[:300])}</code>"
        f"\nKiểm tra mã bot: <code>{escape(checked[:300])}</code>"
    )


# `loa check --live --send-test`: the one message the operator's probe sends.
LIVE_CHECK_TEST = "Loa: tin nhắn kiểm tra kết nối (loa check --live). Không cần trả lời."


def voice_off(channel: str, answer: str) -> str:
    """To administrators: the platform has no voice messages; Loa sends their text instead."""
    name = _CHANNEL_NAMES.get(channel, channel)
    return (
        f"⚠️ <b>{escape(name)} không nhận tin nhắn thoại</b> của Loa (nền tảng báo không có chức"
        " năng này). Loa đã tắt tin thoại trên kênh này: thông báo thoại được gửi bằng chữ, không"
        f" ai bị hủy đăng ký.\nTrả lời của nền tảng: <code>{escape(answer[:300])}</code>"
    )


_SOURCE_PROBLEMS = {
    "empty": "trang danh sách không còn tin nào theo cấu hình (có thể cổng đã đổi giao diện)",
    "incomplete": (
        "các bài đọc được không còn tiêu đề hoặc ngày đăng (có thể cổng đã đổi giao diện)"
    ),
    "failing": "không đọc được nguồn tin này đã hơn một ngày",
}


def source_alert(name: str, problem: str, error: str | None, last_good: str | None) -> str:
    """To administrators: a news source looks broken (told once, until it recovers)."""
    reason = _SOURCE_PROBLEMS.get(problem, problem)
    lines = [
        f"⚠️ <b>Nguồn tin “{escape(name)}” có vấn đề</b>: {escape(reason)}.",
        f"Lần đọc tốt gần nhất: {escape(last_good) if last_good else 'chưa có'}.",
    ]
    if error:
        plain = admin_source_problem(classify(error))
        lines.append(f"Lỗi: {escape(plain)} (<code>{quoted(error, 200)}</code>)")
    lines.append("Loa vẫn thử lại và sẽ báo khi nguồn tin hoạt động trở lại (xem: loa sources).")
    return "\n".join(lines)


def source_recovered(name: str) -> str:
    return (
        f"✅ <b>Nguồn tin “{escape(name)}” đã hoạt động trở lại.</b>"
        " Tin mới sẽ được gửi như thường."
    )


# -- the resident's rhythm: daily bulletin (/bantin) and quiet hours (/yentinh) --------------

BULLETIN_EXAMPLE = "/bantin 07:00"
QUIET_EXAMPLE = "/yentinh 22:00-06:00"
BULLETIN_OFF = "Đã tắt bản tin: từ bây giờ bà con nhận từng tin ngay khi có."
BULLETIN_ALREADY_OFF = "Bà con chưa đặt bản tin: bà con đang nhận từng tin ngay khi có."
QUIET_OFF = "Đã bỏ giờ yên tĩnh: tin đến ngay khi có, bất kể giờ nào."
BROADCAST_URGENT = "🔔 <b>Gấp</b>: gửi cả cho người đang trong giờ yên tĩnh."
QUIET_ALREADY_OFF = "Bà con chưa đặt giờ yên tĩnh."


def bulletin_heading(day: str, count: int) -> str:
    return f"📰 <b>Bản tin Loa ngày {escape(day)}</b> – {count} tin mới"


def bulletin_status(at: str | None) -> str:
    """/bantin alone: the setting and how to change it."""
    if at is None:
        return (
            "Bà con đang nhận từng tin ngay khi có.\n"
            "Muốn nhận <b>một bản tin mỗi ngày</b> vào giờ bà con chọn (giờ Việt Nam)? "
            f"Gõ /bantin và giờ, ví dụ: {BULLETIN_EXAMPLE}"
        )
    return (
        f"Bà con nhận một bản tin mỗi ngày lúc <b>{escape(at)}</b> (giờ Việt Nam).\n"
        f"Đổi giờ: /bantin 18:30 · Nhận từng tin ngay khi có: /bantin tat"
    )


def bulletin_set(at: str) -> str:
    return (
        f"Đã đặt: mỗi ngày lúc <b>{escape(at)}</b> (giờ Việt Nam) Loa gửi một bản tin gồm mọi tin"
        " mới của bà con. Ngày không có tin thì không gửi gì. Tin cảnh báo khẩn vẫn đến ngay.\n"
        "Nhận từng tin ngay khi có: /bantin tat"
    )


def bulletin_invalid(typed: str) -> str:
    return (
        f"“{quoted(typed)}” không phải giờ hợp lệ. Gõ giờ và phút theo 24 giờ,"
        f" ví dụ: {BULLETIN_EXAMPLE} hoặc /bantin 18:30, hoặc nhắn: bản tin 6 giờ chiều."
        " Tắt bản tin: /bantin tat"
    )


def quiet_status(window: str | None) -> str:
    """/yentinh alone: the setting and how to change it."""
    if window is None:
        return (
            "Bà con chưa đặt giờ yên tĩnh: tin đến ngay khi có, bất kể giờ nào.\n"
            "Không muốn nhận tin ban đêm? Gõ /yentinh và khoảng giờ, ví dụ: "
            f"{QUIET_EXAMPLE}"
        )
    return (
        f"Giờ yên tĩnh của bà con: <b>{escape(window)}</b> (giờ Việt Nam). Tin đến trong khoảng"
        " này được giữ lại và gửi khi hết giờ yên tĩnh.\n"
        "Đổi giờ: /yentinh 21:30-05:30 · Bỏ giờ yên tĩnh: /yentinh tat"
    )


def quiet_set(window: str) -> str:
    return (
        f"Đã đặt giờ yên tĩnh: <b>{escape(window)}</b> (giờ Việt Nam). Tin đến trong khoảng này"
        " được giữ lại và gửi khi hết giờ (quá 3 tin thì gộp thành một bản tin)."
        " Tin cảnh báo khẩn vẫn đến ngay.\nBỏ giờ yên tĩnh: /yentinh tat"
    )


def quiet_invalid(typed: str) -> str:
    return (
        f"“{quoted(typed)}” không phải khoảng giờ hợp lệ. Gõ giờ bắt đầu và giờ kết thúc"
        f" (24 giờ), ví dụ: {QUIET_EXAMPLE} hoặc /yentinh 12:00-13:30, hoặc nhắn: yên tĩnh từ"
        " 10 giờ tối đến 6 giờ sáng. Bỏ: /yentinh tat"
    )


def rhythm_lines(bulletin: str | None, quiet: str | None) -> str:
    """For /cuatoi: both rhythm settings, with how to set them."""
    first = (
        f"⏰ Bản tin mỗi ngày: <b>{escape(bulletin)}</b>"
        if bulletin
        else f"⏰ Bản tin mỗi ngày: chưa đặt, tin đến ngay khi có ({BULLETIN_EXAMPLE})"
    )
    second = (
        f"🌙 Giờ yên tĩnh: <b>{escape(quiet)}</b>"
        if quiet
        else f"🌙 Giờ yên tĩnh: chưa đặt ({QUIET_EXAMPLE})"
    )
    return f"{first}\n{second}"


# -- /quantri: the admin page --------------------------------------------------------------

ADMIN_PAGE_REFUSED = (
    "Xin lỗi, trang quản trị chỉ dành cho cán bộ quản trị của Loa. "
    "Gõ /huongdan để xem các lệnh bạn dùng được."
)
ADMIN_PAGE_CONSOLE = (
    "Trên máy chủ, tạo đường dẫn vào trang quản trị bằng lệnh: loa admin link zalo:MÃ "
    "(hoặc telegram:MÃ)."
)


def admin_page_link(url: str) -> str:
    """/quantri: the one-time link to the admin page."""
    return (
        "🔐 Đường dẫn vào trang quản trị Loa (dùng một lần, trong 10 phút):\n"
        f"{escape(url)}\n"
        "Không chuyển đường dẫn này cho người khác."
    )


# -- photo and voice broadcasts (bot.media_drafts) ------------------------------------------

MEDIA_NOT_OWN = (
    "Chỉ gửi được thông báo từ tin nhắn của chính bạn. Hãy trả lời /thongbao vào ảnh, tin nhắn"
    " thoại hoặc tin nhắn chữ bạn đã gửi."
)
MEDIA_ON_TELEGRAM = "Telegram: nhận bản sao đúng tin nhắn trên của bạn (ảnh/ghi âm kèm chữ)."
MEDIA_TELEGRAM_BY_URL = "Telegram: nhận ảnh kèm chữ."
MEDIA_ZALO_TEXT_ONLY = (
    "Zalo: chỉ nhận phần chữ — Loa chưa có địa chỉ công khai ([web] public_url) để Zalo tải"
    " ảnh/ghi âm."
)
MEDIA_ZALO_FAILED = "Zalo: chỉ nhận phần chữ — không tải được ảnh/ghi âm từ Telegram."
MEDIA_ZALO_NOTHING = (
    "Zalo: <b>không nhận được gì</b> — Zalo không nhận được ảnh/ghi âm này, và thông báo không"
    " có chữ để gửi thay, nên Loa không gửi cho người dùng Zalo. Muốn họ nhận, hãy gửi lại kèm"
    " chữ: /thongbao NỘI DUNG."
)


def media_zalo_gets(kind: str, text: bool) -> str:
    what = "ảnh kèm chữ" if kind == "photo" else "tin nhắn thoại" + (" và phần chữ" if text else "")
    return f"Zalo: nhận {what}."


def media_too_large(size_mb: float, maximum_mb: float) -> str:
    return (
        f"Tệp dài {size_mb:.1f} MB, quá giới hạn {maximum_mb:g} MB nên không gửi được."
        " Bạn vui lòng gửi ảnh nhỏ hơn hoặc ghi âm ngắn hơn."
    )


def media_caption_too_long(length: int, maximum: int) -> str:
    return f"Chữ kèm ảnh/ghi âm dài {length} ký tự, tối đa {maximum}. Bạn vui lòng rút gọn."


# -- Admin page (web.admin): titles, errors, notes, state labels -----------------------------

ADMIN_STATES = {
    "preview": "Bản nháp",
    "sending": "Đang gửi",
    "done": "Đã gửi xong",
    "cancelled": "Đã hủy",
}
ADMIN_EVERYONE = "Mọi người"
ADMIN_TITLE_NOT_FOUND = "Không tìm thấy"
ADMIN_TITLE_FORBIDDEN = "Không có quyền"
ADMIN_TITLE_SIGN_IN = "Cần đăng nhập"
ADMIN_TITLE_BAD_REQUEST = "Yêu cầu không hợp lệ"
ADMIN_TITLE_LOGIN_FAILED = "Không đăng nhập được"
ADMIN_TITLE_SIGNED_OUT = "Đã đăng xuất"
ADMIN_SIGN_IN = "Gửi /quantri cho Loa trên Zalo hoặc Telegram để nhận đường dẫn đăng nhập."
ADMIN_NO_LONGER = "Tài khoản của bạn không còn là quản trị viên của Loa."
ADMIN_NOT_ADMIN = "Tài khoản này không phải quản trị viên của Loa."
ADMIN_BAD_CSRF = "Biểu mẫu đã cũ hoặc không đến từ trang quản trị. Hãy tải lại trang và thử lại."
_ASK_NEW_LINK = " Gửi /quantri cho Loa để nhận đường dẫn mới."
ADMIN_SIGNED_OUT = (
    "Bạn đã đăng xuất khỏi trang quản trị. Muốn vào lại: gửi /quantri cho Loa trên Zalo hoặc"
    " Telegram để nhận đường dẫn đăng nhập mới (dùng được 10 phút)."
)
ADMIN_PAGE_NOT_FOUND = "Không có trang này: đường dẫn có thể đã cũ hoặc bị gõ sai."
ADMIN_LINK_USED = "Đường dẫn này đã được dùng." + _ASK_NEW_LINK
ADMIN_LINK_EXPIRED = "Đường dẫn này đã hết hạn (chỉ dùng được 10 phút)." + _ASK_NEW_LINK
ADMIN_LINK_UNKNOWN = "Đường dẫn không hợp lệ." + _ASK_NEW_LINK
ADMIN_NO_SOURCE = "Không có nguồn tin này."
ADMIN_SOURCES_PROVINCE_ONLY = "Chỉ quản trị viên cấp tỉnh tạm dừng được nguồn tin."
# Thêm nguồn (the admin page): a portal by its address, what Loa could not read there.
ADMIN_SOURCES_ADD_PROVINCE_ONLY = "Chỉ quản trị viên cấp tỉnh thêm được nguồn tin."
ADMIN_SOURCE_NAME_TAKEN = "Đã có nguồn tin tên “{name}”: hãy đặt tên khác."
ADMIN_SOURCE_REFUSED = {  # jobs.source_preview.Refusal.kind
    "address": "Địa chỉ phải là địa chỉ một trang web, bắt đầu bằng http:// hoặc https://.",
    "challenge": (
        "Trang này là trang chặn máy đọc tự động (trang kiểm tra chống bot): Loa không đọc được"
        " tin ở đó. Hãy hỏi đơn vị quản lý trang địa chỉ RSS của trang."
    ),
    "redirect": (
        "Trang này chỉ chuyển sang một trang khác, không có tin: hãy mở địa chỉ trong trình"
        " duyệt và dán địa chỉ của trang hiện ra."
    ),
    "javascript": (
        "Trang này chỉ hiện tin khi trình duyệt chạy JavaScript, nên Loa không đọc được tin ở"
        " đó. Hãy hỏi đơn vị quản lý trang địa chỉ RSS của trang."
    ),
    "unreadable": "Không mở được trang này. Hãy kiểm tra lại địa chỉ, hoặc thử lại sau.",
    "no_links": (
        "Loa không tìm thấy bài viết nào trên trang này. Hãy dán địa chỉ trang danh sách tin"
        " (ví dụ mục Tin tức), hoặc địa chỉ RSS của trang."
    ),
}
ADMIN_NO_BROADCAST = "Không có thông báo này."
ADMIN_NO_COMMUNE = "Không có xã này."
ADMIN_NO_TOPIC = "Không có chủ đề này."
ADMIN_NO_TEXT = "Hãy nhập nội dung."
ADMIN_TEXT_TOO_LONG = "Nội dung quá dài (tối đa 1500 ký tự)."
ADMIN_CHOOSE_COMMUNE = "Hãy chọn xã nhận thông báo."
ADMIN_ALREADY_SENT = "Thông báo này đã được gửi rồi: không gửi lại."
ADMIN_DRAFT_EXPIRED = "Bản nháp đã hết hạn, không gửi được nữa."

# A source's last problem in an official's words (``news.source_problems``); the technical
# detail is shown apart (folded away on the admin page), for the IT officer.
_FETCH_PROBLEMS = {
    Kind.UNREACHABLE: "Không kết nối được tới trang (mạng hoặc máy chủ của trang không trả lời)",
    Kind.TIMEOUT: "Trang không trả lời kịp",
    Kind.NOT_FOUND: "Trang không còn (lỗi {status}): địa chỉ nguồn tin cần được sửa",
    Kind.REFUSED: "Trang không cho Loa đọc (lỗi {status})",
    Kind.SERVER: "Trang đang bị lỗi (lỗi {status}): Loa sẽ thử lại",
    Kind.HTTP: "Trang trả lời bất thường (lỗi {status})",
    Kind.NOT_A_FEED: "Địa chỉ này không phải nguồn tin RSS",
    Kind.TOO_LARGE: "Trang quá lớn, Loa không đọc hết được",
    Kind.UNREADABLE: "Không tìm thấy bài viết trên trang (có thể trang đã đổi giao diện)",
    Kind.OTHER: "Không đọc được nguồn tin",
}
ADMIN_OPERATOR = "Người vận hành máy chủ (dòng lệnh)"
ADMIN_CONSOLE = "Bảng điều khiển trên máy chủ (loa chat)"


def admin_person(channel: str, name: str | None, province_wide: bool) -> str:
    """Who drafted a broadcast, as a person: "Quản trị viên tỉnh · Zalo", "UBND xã Sam Mứn ·
    Zalo" (a commune administrator, by the name they sign with), or a former administrator."""
    where = _CHANNEL_NAMES.get(channel, channel)
    if name is None:
        return f"Quản trị viên cũ · {where}"
    return f"{'Quản trị viên tỉnh' if province_wide else name} · {where}"


# What an instance of Loa does, by the roles it holds (``loa.runtime``), for the overview.
_ADMIN_ROLES = {
    "poller": "lấy tin từ các cổng",
    "zalo:updates": "nhận tin nhắn Zalo",
    "zalo:sender": "gửi tin Zalo",
    "telegram:updates": "nhận tin nhắn Telegram",
    "telegram:sender": "gửi tin Telegram",
    "reporter": "báo cáo tiến độ thông báo",
}


def admin_roles(roles: Sequence[str]) -> str:
    """ "lấy tin từ các cổng, gửi tin Zalo" (the known roles, in the order above); an instance
    holding none stands by to take over."""
    from storage.instances import by_base  # here: the catalogue itself needs no database

    held = by_base(roles)  # "telegram:sender" → ["1/3", "2/3"] when its sending is shared
    known = [
        f"{text} (phần {', '.join(held[role])})" if held[role] else text
        for role, text in _ADMIN_ROLES.items()
        if role in held
    ]
    return ", ".join(known) if known else "dự phòng, sẵn sàng thay thế khi máy kia dừng"


def admin_source_alert(problem: str) -> str:
    """The health watch's alert (``jobs.health.Problem``) as the chat alert words it."""
    reason = _SOURCE_PROBLEMS.get(problem, problem)
    return reason[:1].upper() + reason[1:]


def admin_source_problem(problem: SourceProblem) -> str:
    return _FETCH_PROBLEMS[problem.kind].format(status=problem.status or "")


def admin_broadcast_quiet(count: int, everyone: bool, until: str | None) -> str:
    """The admin page's draft: ``count`` of its residents are in quiet hours (``everyone``:
    all of them, so nobody gets it before ``until``, HH:MM, the last end)."""
    when = f" (muộn nhất lúc {escape(until)})" if until else ""
    if everyone:
        return (
            f"🌙 Lúc này chưa ai nhận ngay: cả <b>{count}</b> người đang trong giờ yên tĩnh."
            f" Thông báo sẽ đến họ khi hết giờ yên tĩnh{when}."
        )
    return (
        f"🌙 Trong đó <b>{count}</b> người đang trong giờ yên tĩnh: họ nhận thông báo khi hết"
        f" giờ yên tĩnh{when}."
    )


ADMIN_MAY_NOT_SEND = "Bạn không được gửi thông báo này."
ADMIN_MAY_NOT_STOP = "Bạn không được dừng thông báo này."
ADMIN_PHOTO_NOT_IMAGE = "Tệp đã chọn không phải ảnh (chỉ nhận ảnh JPEG, PNG, WebP hoặc GIF)."


def admin_commune_with_old(name: str, old: list[str]) -> str:
    """A commune in the form's Xã list, with the old communes it absorbed (findable by name)."""
    return name + (f" (gồm {', '.join(old)})" if old else "")


# -- residents' own words (bot.understanding, news.intents) ---------------------------------

GREETING_NOT_RECEIVING = (
    "Xin chào bà con! Hiện Loa <b>chưa gửi tin</b> cho bà con. Muốn nhận tin của chính quyền"
    " tỉnh Điện Biên, gõ /start ạ."
)
THANKS = "Dạ, Loa cảm ơn bà con ạ! Cần gì bà con cứ nhắn nhé."
YES_BUTTON = "✅ Đúng vậy"
LATEST_OFFER = "📰 Xem tin mới nhất"
SUBSCRIBE_OFFER = "🔔 Đăng ký nhận tin theo xã"
HELP_OFFER = "❓ Xem hướng dẫn"
LATEST_MINE_HEADING = "<b>Tin mới về những gì bà con đã chọn</b>"
LATEST_ALL_HINT = "<i>Xem tin của cả tỉnh: /tinmoi tatca</i>"
LATEST_MINE_NONE = "<i>Chưa có tin về những gì bà con đã chọn; đây là tin mới của cả tỉnh.</i>"
# What an intent does, in the question "Có phải bà con muốn … không ạ?".
INTENT_NAMES = {
    "latest": "xem tin mới",
    "subscribe": "đăng ký nhận tin",
    "unsubscribe": "hủy đăng ký",
    "bulletin": "đặt bản tin mỗi ngày",
    "quiet": "đặt giờ yên tĩnh",
    "search": "tìm tin",
    "help": "xem hướng dẫn",
    "info": "xem giới thiệu về Loa",
    "subscriptions": "xem mình đang nhận tin gì",
    "communes": "xem danh sách xã",
    "topics": "xem danh sách chủ đề",
    "start": "bắt đầu nhận tin",
    "stop": "dừng nhận tin",
}


def unknown(text: str) -> str:
    """Input Loa does not understand: the likeliest actions follow as buttons."""
    if not text.strip():
        return "Loa chưa hiểu ý bà con ạ. Bà con chọn một việc dưới đây:"
    return f"Loa chưa hiểu “{quoted(text, 40)}” ạ. Có phải bà con muốn:"


def did_you_mean(action: str, args: str = "") -> str:
    """A typo close to a command: "Có phải bà con muốn đăng ký nhận tin “pom lot” không ạ?"."""
    what = f" “{quoted(args, 40)}”" if args else ""
    return f"Có phải bà con muốn {escape(action)}{what} không ạ?"


def search_offer(typed: str) -> str:
    return f"🔎 Tìm tin có “{' '.join(typed.split())[:30]}”"


def subscribe_offer(label: str) -> str:
    """The button under a commune's or topic's latest news: subscribe to it."""
    return f"🔔 Đăng ký nhận tin {label}"


def no_recent_about(label: str) -> str:
    """A commune or topic named alone, with no news yet."""
    return (
        f"Chưa có tin nào về <b>{escape(label)}</b>. Muốn Loa gửi tin về {escape(label)} ngay"
        " khi có, bà con bấm đăng ký dưới đây ạ."
    )


def name_collision(chosen: str, old_label: str, old_district: str, successor: str) -> str:
    """A name that is both today's unit and an old one that went elsewhere, explained."""
    return (
        f"Lưu ý: đây là {escape(chosen)} mới. {escape(_capitalised(old_label))} cũ"
        f" ({escape(old_district)}) nay thuộc <b>{escape(successor)}</b>; nếu bà con ở"
        f" {escape(old_label)} cũ, chọn nút dưới đây hoặc gõ /dangky {escape(successor)}."
    )
