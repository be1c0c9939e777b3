"""The words of ``news.intents``: chat shorthand, command words, polite and filler words, and
the patterns each intent is recognised by (on folded, normalised text: "dang ky", "ban tin").

Kept apart from the parser so that the vocabulary is read and extended in one place.
"""

from __future__ import annotations

import re

# Chat shorthand and joined command words -> folded words.
SHORTHAND: dict[str, str] = {
    "ko": "khong", "k": "khong", "kg": "khong", "kh": "khong", "hok": "khong", "hem": "khong",
    "khum": "khong", "kp": "khong phai", "j": "gi", "ji": "gi", "dc": "duoc", "dk": "dang ky",
    "dky": "dang ky", "dki": "dang ky", "tn": "tin", "ms": "moi", "mk": "minh", "mik": "minh",
    "mh": "minh", "t": "toi", "vs": "voi", "ntn": "nhu the nao", "lm": "lam", "r": "roi",
    "cx": "cung", "nx": "nua", "trc": "truoc", "bh": "bao gio", "hnay": "hom nay",
    "hn": "hom nay", "tks": "cam on", "thanks": "cam on", "thank": "cam on", "thx": "cam on",
    "camon": "cam on", "cmon": "cam on", "cám": "cam", "oke": "ok", "okie": "ok", "oki": "ok",
    "okay": "ok", "okela": "ok", "uk": "ok", "uh": "ok", "uhm": "ok", "um": "ok",
    "vg": "vang", "ah": "a", "nhe": "nhe", "nhá": "nha", "ak": "a", "x": "xa", "ttin": "thong tin",
    "dangky": "dang ky", "dangki": "dang ky", "huydangky": "huy dang ky", "timkiem": "tim kiem",
    "huongdan": "huong dan", "trogiup": "tro giup", "tinmoi": "tin moi", "bantin": "ban tin",
    "yentinh": "yen tinh", "cuatoi": "cua toi", "dsxa": "danh sach xa", "chude": "chu de",
    "batdau": "bat dau", "tintuc": "tin tuc", "thongtin": "thong tin", "xinchao": "xin chao",
    "tatca": "tat ca", "help": "huong dan", "hdsd": "huong dan su dung", "ki": "ky", "kis": "ky",
    "bn": "ban", "nhiu": "nhieu", "e": "em", "ad": "admin", "adm": "admin", "dsach": "danh sach",
    "menu": "huong dan", "list": "danh sach", "gium": "dum", "subscribe": "dang ky",
    "sub": "dang ky", "subs": "dang ky", "subscriptions": "dang ky", "out": "thoat",
    "unsubscribe": "huy dang ky", "unsub": "huy dang ky", "resume": "bat lai", "pause": "tam dung",
    "sabaidee": "chao", "sabaidi": "chao",  # Lao "hello"
    "dnd": "khong lam phien",  # "do not disturb"
    "settings": "cai dat cua toi", "setting": "cai dat cua toi", "tk": "tai khoan",
    "tui": "toi", "ukm": "ok", "ukie": "ok", "okla": "ok", "okila": "ok", "qa": "qua", "wa": "qua",
    # English words residents borrow: "update tin", "follow/unfollow X", "daily", "list topic"
    "update": "cap nhat", "follow": "theo doi", "unfollow": "bo theo doi", "daily": "hang ngay",
    "search": "tim kiem", "topic": "chu de", "topics": "chu de", "start": "bat dau",
    "digest": "tong hop", "news": "tin tuc", "latest": "moi nhat", "pls": "nhe", "plz": "nhe",
    "please": "nhe", "all": "tat ca", "lun": "luon", "nhg": "nhung", "hot": "moi",
    "iu": "yeu", "hlu": "hello", "remove": "bo", "chatbot": "bot",
}  # fmt: skip
# Command phrases that a typo may hide ("dnag ky", "tim kiem", "huong dna"): joined -> words.
COMMAND_WORDS: dict[str, str] = {
    "dangky": "dang ky", "huydangky": "huy dang ky", "timkiem": "tim kiem",
    "huongdan": "huong dan", "trogiup": "tro giup", "tinmoi": "tin moi", "bantin": "ban tin",
    "yentinh": "yen tinh", "danhsachxa": "danh sach xa", "chude": "chu de", "tintuc": "tin tuc",
    "theodoi": "theo doi", "camon": "cam on",
}  # fmt: skip
# Folded words residents use that are not names (telex repairs aim at them).
VOCABULARY = frozenset(
    " ".join([*SHORTHAND.values(), *COMMAND_WORDS.values()]).split()
    + """tin tuc moi nhat gi nao co khong xem doc cho toi minh em chau con anh chi bac ban loa
    hom nay o cua ve tai voi a nhe nha di nhung cac oi gui nhan muon duoc the sao lam giup bo
    huy tat het ca nua thoi ngung dung yen tinh dem ngu luc vao sang trua chieu khuya gio phut
    ruoi moi ngay hang xa phuong tim kiem lien quan den tu cam on vang da ok chao xin biet
    hoi cach su dung thong bao can biet hieu nguoi dan ngay mai nam thang toan ten tuoi
    khoi tra xong mot hai ba bon sau bay tam chin muoi noi chuyen uy""".split()
)  # the counts: "ba tin mới nhất" (three) is no misspelt "bản tin"
# A Vietnamese syllable, folded: onset, vowels, final. A word that is none but becomes one once
# its telex letters go ("hox" -> "ho", "trowj" -> "tro", "dungwf" -> "dung") was typed with
# telex and no input method; English words stay ("thanks", "facebook").
# Letters only telex leaves in a word: a tone last, "w" after a, o or u, "dd" ("s" last may be
# English: "yes", "news"; so may a doubled vowel without a tone: "meet", "good").
TELEX_TYPED_RE = re.compile(r"[aou]\w*w|dd|[fjrx]$|(?:aa|ee|oo)\w*s$")
SYLLABLE_RE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
    r"(?:a[ioyu]?|eo?|eu|i[au]?|ieu?|o[ai]?|oa[ioy]|oeo?|u[aeiouy]?|uay|uoi|uou|uya|uye|uyu|ye|"
    r"yeu|y)(?:ch|ng|nh|[cmnpt])?"
)
# Everyday words (folded) that are no place name: a run of them is never a name a sound or a
# letter off ("không nhắn lại nữa à" is no "Lay Nưa", old Mường Lay). Exact names stay names.
FUNCTION_WORDS = frozenset(
    """lai nua roi con ma la thi cung van se dang chua bi nhu vay the nay kia do ay ai dau ra
    len xuong qua trong ngoai tren duoi sau truoc khi neu vi nen hay hoac va bang theo moi chi
    rat hon it nhan nhac nghe tra loi hoi noi biet thay an com uong lay mua ban nguoi nha viec
    di den ve vao tu tai cho cua voi khong co gi nao sao dau""".split()
)
POLITE = frozenset(
    "cam on ok vang da duoc roi tot hay qua oi bye biet rat nhieu tam la nho lam you thoi "
    "ro hieu good nice great got it".split()
)
# Words of thanks for news come ("đã nhận được tin", "đọc được rồi").
# "cảm ơn đã báo tin sớm cho bà con", "cảm ơn loa cập nhật nhanh"
RECEIVED_WORDS = frozenset(
    "da roi duoc nhan doc xem bao gui tin tuc thay som nhanh kip thong cap nhat".split()
)
# For whom the news came, said with thanks: "cho bà con", "cho người dân", "cho mọi người".
FOR_PEOPLE_RE = re.compile(
    r"\bcho (?:ba con|nguoi dan|moi nguoi|dan ban|ca ban|chung (?:toi|em))\b|"
    r"\b(?:ban quan tri|quan tri vien|cac (?:anh chi|can bo|chu))\b"  # whom: "… ban quản trị"
)
# Thanks said other ways, read as "cảm ơn": "xin cảm ơn", "đa tạ", "cảm tạ", typed "ca mon".
THANKS_SAID_RE = re.compile(r"\b(?:xin )?(?:cam on|ca mon|cam mon|(?:da|cam) ta|^c on$)\b")
# What makes words said after thanks a request or a question ("cảm ơn, cho xem tin mới").
ASKING_RE = re.compile(
    r"\b(?:cho (?!ba con|nguoi dan|moi nguoi|ban (?:minh|toi|em|ta))|xem|tim|dang ky|huy|bo|ngung|"
    r"gui|nhan|muon|"
    r"giup|hoi|sao|khong|chua|gi|bao gio|khi nao|the nao|lam sao|tat|bat|ban tin|yen tinh|nhung|"
    r"nguoi that|hay (?:la )?(?:may|nguoi|bot|robot|trang|gia)|gia mao|kiem|tra cuu)\b"
)
# What thanks are for, a name in it no request: "cảm ơn, nhờ có tin cảnh báo mà …".
NOTHING_NAMED_RE = re.compile(r"\bnho (?:co )?(?:tin|loa|bot|ban tin)\b")
PRAISED_WORDS = frozenset({"nay", "do", "bai"})  # "tin này", "bài đó" (bổ ích quá)
POLITE_CORE = frozenset(
    "cam ok vang da duoc bye biet tot hay nho thoi ro hieu good nice great got".split()
)
# Praise of the news, said with thanks or alone: "cảm ơn, tin này bổ ích quá", "tin hay lắm".
# "Hay" alone is no praise ("xem tin hay"); "bổ" is read "boq" (no "bỏ").
PRAISE_RE = re.compile(
    r"\b(?:boq? ich|huu ich|tuyet(?: voi)?|hay (?:qua|lam|that)|(?:rat|that|qua) hay|"
    # "bot xịn thật", "tốt lắm, cứ thế phát huy", "đọc tin tiện quá"
    r"xin (?:that|qua|ghe|the|day)|(?:tot|gioi) (?:lam|qua|that)|(?:cu the |tiep tuc )?phat huy|"
    r"lam tot|(?:10|muoi) diem|diem (?:10|muoi)|qua (?:duoc|tot|ok)(?: luon)?|"
    r"(?:good|great|nice) job|well done|(?:yeu|thuong) (?:loa|bot|ad|admin)\b|"
    r"(?:ai cung|moi nguoi|ca ban) khen|(?:the|vay) la (?:duoc|xong|on|tot)|"
    r"tien (?:qua|lam|that|loi qua)|chuan (?:roi|qua|that)|(?:da )?nhan (?:duoc )?(?:tin )?roi|"
    r"kip thoi|chinh xac|(?:tin|bai) (?:nay|do) (?:tot|hay))\b"
)
FILLER = frozenset(
    "loa a nhe nha nha em chau con anh chi bac co ban minh toi oi ha nhe ah nhieu rat lam qua "
    "roi ne nhi vay day thi admin bot chu ong ba".split()
)
GREETINGS = frozenset({"chao", "hi", "hello", "alo", "helo", "xin", "yo"})
# Calling out to someone, said with a greeting: "có ai không", "có ai ở đó không", "nghe
# không", "trả lời đi".
CALL_RE = re.compile(
    r"\b(?:co ai(?: (?:o|tai) (?:do|day))?(?: khong)?|co (?:o )?(?:do|day) khong|"
    r"(?:co )?nghe (?:thay |ro )?khong|"
    r"tra loi(?: (?:di|voi|nhe|nha|toi|minh|em|bac|chau|con|anh|chi|a))*)\b"
)
# "chào buổi sáng", "kính chào quý vị"
GREETING_WORDS = frozenset(
    "buoi sang trua chieu toi ca nha moi nguoi kinh quy vi ngay trong quan tri can boq cac hoi chut"
    "".split()
)
# Said with a greeting, and greeting still: "xin chào, cho hỏi thăm", "chào loa, bác mới vào".
GREETING_ADDS_RE = re.compile(
    r"\b(?:(?:cho |xin |gui loi )?hoi tham(?: (?:suc khoe|ca nha|moi nguoi))?|lam quen|"
    r"(?:moi|vua) (?:vao|tham gia|den|ket ban))\b"
)
# Greetings typed long or sung ("hellu", "hê lôôô", "helloo", "chàooo", "hiii", "hey"): -> the word.
GREETING_SPELLINGS = (
    (re.compile(r"h[aeu]+l+[oouw]+|hal+o+|hey+|hai+lo+"), "hello"),
    (re.compile(r"chao+"), "chao"),
    (re.compile(r"hi+"), "hi"),
    (re.compile(r"alo+"), "alo"),
)
# Hands waving hello: a greeting without words.
WAVES = frozenset("👋🙋✋🤚🖐")
# Said instead of a greeting word, and greeting: wishes ("chúc loa ngày mới vui vẻ", "chúc buổi
# sáng tốt lành", "chúc ngủ ngon"), "lâu lắm mới nhắn", "lâu rồi không gặp", "dạo này khoẻ không".
WISH_RE = re.compile(
    r"\b(?:chuc(?: (?:loa|ban|em|bac|chau|anh|chi|ca nha|moi nguoi|ad|admin|bot|ba con|mot))*"
    r"(?: (?:ngay moi|ngay|buoi (?:sang|trua|chieu|toi)|tuan moi|nam moi|cuoi tuan|dem|toi))?"
    r"(?: (?:vui ve|vui|tot lanh|an lanh|binh an|suc khoe|manh khoe|hanh phuc|may man|"
    r"thanh cong|tot dep|tot|ngu ngon|ngon giac|ngon|an khang|thinh vuong|"
    r"(?:lam viec )?hieu qua))+|"
    r"mung (?:duoc )?gap|han hanh (?:duoc )?(?:gap|lam quen)|nice to meet (?:you|u)|"
    r"(?:rat )?vui (?:duoc|khi) (?:gap|lam quen|biet)|"
    r"lau (?:lam |qua |roi |nay )?(?:moi|khong|chua) (?:nhan|gap|noi chuyen|hoi|ghe|vao|chao)"
    r"(?: (?:tin|loa|ban|gi))?|(?:dao nay |co |hom nay )?khoe khong)\b"
)
# Greetings spoken as two words: "a lô", "hế lô", "hí lô", "ha lô" (hello).
# English phrases residents borrow, read as the Vietnamese they mean (normalised words: "me"
# alone is "mẹ", "to" a bowl, so only whole phrases): "delete me", "do not disturb 22-6".
ENGLISH_PHRASES: dict[str, str] = {
    "do not disturb": "khong lam phien", "dont disturb": "khong lam phien",
    "how to use": "cach su dung", "how do i": "lam sao de", "how can i": "lam sao de",
    "how to": "lam sao de", "delete me": "xoa toi", "remove me": "xoa toi",
    "delete my account": "xoa toi", "delete my data": "xoa du lieu cua toi",
    "latest news": "tin moi nhat", "any news": "co tin gi", "what is new": "co tin gi moi",
    "are you a real person": "ban la nguoi that hay may",
    "are you a person": "ban la nguoi that hay may",
    "are you human": "ban la nguoi that hay may", "are you a human": "ban la nguoi that hay may",
    "are you a bot": "ban la nguoi that hay may", "are you a robot": "ban la nguoi that hay may",
    "real person": "nguoi that", "what did i subscribe to": "toi da dang ky gi",
    "what am i subscribed to": "toi da dang ky gi",
    "my subscriptions": "dang ky cua toi", "who are you": "ban la ai", "what is this": "day la gi",
    "this bot": "bot nay",
}  # fmt: skip
SPOKEN_GREETINGS: dict[str, str] = {
    "a lo": "alo",
    "ha lo": "alo",
    "he lo": "hello",
    "lo lo": "alo",
    "he nho": "hello",
    "khop chai": "cam on",  # Lao "thank you"
    "a alo": "alo",  # "a lô", "hê lô" typed with marks: "lô" is read "alo" alone
    "ha alo": "alo",
    "he alo": "hello",
    "hi alo": "hello",
    "hi lo": "hello",
    "good morning": "hello",  # English greetings
    "good afternoon": "hello",
    "good evening": "hello",
}
NEWS_WORDS = frozenset(
    "tin tuc thong moi nhat gi nao co khong xem doc cho toi minh em chau con anh chi bac ban "
    "loa hom nay o cua ve tai voi a nhe nha di nhung cac oi gui duoc the sao hay muon biet "
    "hoi ne nhi vay day thi ca lam chut voi xin duoc va phuong xa dao gan tuan qua may sang "
    "bai theo ben phia alo chao hello hi them cap ra ha".split()
)
# Words that speak of a choice without naming it: "thêm một chủ đề", "riêng xã nhà mình".
UNNAMED_CHOICE_WORDS = frozenset(
    "them mot vai may chu de muc chuyen rieng tung khac linh vuc nha que ban 1 2 theo doi".split()
)
# Words naming the kind of a choice, before its name: "tin chủ đề thông báo", "mục y tế".
KIND_WORDS_RE = re.compile(r"\b(?:chu de|chuyen muc|danh muc|linh vuc|muc|mang)\b")
PARTIAL_WORDS_MAX = 3  # "mường", "muong th": a part of names; longer is a sentence
NAME_WORDS_MAX = 40  # names are looked for among this many words (a long text is no name)
TOKEN_RE = re.compile(r"[^\W_]+(?:[:.][0-9]{1,2})?|[-–~]", re.UNICODE)  # dashes: "22h-6h"

# Patterns on the normalised text; ``arg`` is the argument's span.
WHO_WORDS = frozenset("toi minh em bac chau con chu co anh chi ong ba me".split())
_WHO = rf"(?:{'|'.join(sorted(WHO_WORDS))})"  # "giúp bác", "hộ em"
# How to do something, asked: help even where a name or "của tôi" follows ("làm sao để xem
# mình đang theo dõi những gì", "có cách nào để chỉ nhận tin an ninh không").
HOW_ASKED_RE = re.compile(
    r"\b(?:lam sao|lam the nao|(?:co )?cach nao|bang cach nao|(?<!tai )sao) de\b"
    r"(?! (?:lam|xin|co)\b)|"
    r"\blam sao (?=(?:bo|huy|xoa|dat|tat|bat|xem|chon|dang ky|doi)\b)|"  # "làm sao bỏ hết các xã"
    r"\bthi (?:phai )?(?:lam|nhan|go|bam|viet) (?:the nao|sao|nhu nao)\b|"  # "… thì làm thế nào"
    r"\bhow (?:to|do|can)\b|"  # English, as typed
    # "cách xem lại …", "cho hỏi cách thêm xã thứ hai …"
    r"(?<!bang )\bcach (?:de )?(?:xem|dat|chon|bo|huy|tat|bat|doi|dang ky|theo doi|them)\b|"
    r"\bhuong dan (?:cach|quy trinh|thu tuc|cac buoc)\b|"
    # "nút nào để đăng ký", "bấm vào đâu để xem danh sách xã", "gõ tên xã là được hả"
    r"\b(?:nut|muc) nao de\b|\b(?:bam|an|cham|go) (?:vao )?(?:dau|nut nao|cai nao) de\b|"
    r"^go\b.* la (?:duoc|xong)(?: (?:ha|a|khong|chua|nhi))?$"
)
# A formal request's opening ("Đề nghị cho xem …", "Kính đề nghị …", "yêu cầu …"): read as
# "xin" (please), the request after it.
FORMAL_REQUEST_RE = re.compile(
    r"^(?:(?:kinh|xin|toi|chung toi|gia dinh toi) )*(?:de nghi|yeu cau|kien nghi)"
    r"(?: (?:loa|bot))?\b"
)
# A request passed on for someone: "bà cháu bảo xem tin …", "mẹ em nhờ hỏi …".
RELAYED_RE = re.compile(rf"^{_WHO} {_WHO} (?:bao|nho|dan|dan la)(?: hoi)?\b")
# The list of communes, asked as a list: "Loa có danh sách xã không", "cần danh sách các xã
# phường" (not "danh sách xã tôi đã đăng ký", one's own).
DIRECTORY_RE = re.compile(
    r"\bdanh sach (?:cac |nhung )?(?:xa|phuong)\b(?!.*\b(?:toi|minh|em) (?:da|dang)\b)|"
    r"^(?:loa|bot) (?:theo doi|co|dua tin|lay tin) (?:duoc )?(?:nhung |cac )?(?:xa|phuong) nao\b"
)
# A message written as a letter: "Kính gửi Loa," first, "Trân trọng" last (its framing).
LETTER_OPENING_RE = re.compile(
    r"^(?:kinh gui|than gui|gui)(?: (?:loa|bot|admin|ban quan tri|quan tri vien|cac dong chi|"
    r"dong chi|cac anh chi|anh chi|ban bien tap))+\b"
)
LETTER_CLOSING_RE = re.compile(
    r"\b(?:tran trong(?: cam on)?|kinh thu|than ai|xin chan thanh cam on)$"
)
# A complaint about the news itself, no request: "tin tức chậm quá", "toàn tin cũ, chán".
NEWS_COMPLAINT_RE = re.compile(
    r"\b(?:cham|muon|cu) (?:qua|the|vay|lam)\b|\btoan tin cu\b|"
    r"\b(?:doc|xem) (?:met|moi mat|kho|nhuc dau)\b|\b(?:dai|nhieu chu) (?:qua|the|lam)\b"
)
# News asked for with "thế nào": "mấy hôm nay tin mưa lũ sạt lở thế nào".
NEWS_HOW_RE = re.compile(r"\btin\b.*\b(?:the nao|ra sao)\b")
# Words of time beside keywords alone: "lịch cắt điện, mất điện tuần này".
WHEN_WORDS = frozenset("tuan nay hom qua thang gan day moi nhat sang chieu toi dem mai vua".split())
# Not yet decided which: "đăng ký một xã nhưng chưa biết chọn xã nào".
UNDECIDED_RE = re.compile(r"\b(?:chua|khong) (?:biet|nghi ra|nho)\b.*\bnao\b")
# The bot's features, asked: help ("chức năng của bot gồm những gì").
FEATURES_RE = re.compile(r"\b(?:chuc nang|tinh nang)\b")
# News asked for with a reading word: "cho xem tin", "muốn đọc tin".
READS_NEWS_RE = re.compile(r"\b(?:xem|doc|coi|nghe|cung cap)(?: (?:cac|nhung|het))? tin\b")
# Every article asked for, not one's choices: "xem tin mới của cả tỉnh, tất cả các xã".
ALL_NEWS_ASKED_RE = re.compile(
    r"\b(?:xem|doc|coi|gui|hien|nghe) (?:het |tat ca |toan boq? )?tin(?: tuc)?(?: moi)?(?: cua)? "
    r"(?:ca tinh|toan tinh|tat ca|moi xa|cac xa|het)\b"
)
# A choice added or dropped, none named: "chọn thêm chủ đề cho tôi", "bỏ bớt chủ đề đi".
CHOICE_MORE_RE = re.compile(
    r"\b(?:(?:chon|dang ky) (?:them(?: (?:mot|1))?|mot|1)|them(?: (?:mot|1))?) (?:chu de|xa|muc)\b"
    r"(?! (?:nao|gi)\b)"
)
CHOICE_FEWER_RE = re.compile(r"\b(?:huy|bo|xoa|go) bot (?:mot |1 )?(?:chu de|xa|phuong|muc)\b")
# "dung loa": "dừng loa" (stop) or, typed "dùng", "dùng loa" (use it).
USE_BOT_RE = re.compile(r"\bdung (?:loa|bot)\b")
# Loa called by name before a request: "ad ơi", "bot ơi".
CALLED_RE = re.compile(r"^(?:admin|bot|loa) oi ")
# Who writes, said alone: "tôi là Lò Văn Thương, giáo viên về hưu", "mình là Giàng A Páo".
# ("tôi là người Mông" says where one is from; "mình là robot à" asks Loa)
SELF_NAMED_RE = re.compile(rf"^{_WHO} (?:la|ten(?: la)?)\b(?! (?:nguoi|robot|bot|may|ai|gi)\b)")
# A message that opens asking for news: "tin …", "xem tin …", "cho bác đọc tin …".
NEWS_OPENS_RE = re.compile(
    rf"(?:(?:cho (?:{_WHO} )?|{_WHO} (?:muon )?)?(?:xem|doc|coi|nghe) )?tin(?: tuc)?\b"
)
TAIL = (
    r"(?:\s+(?:nua|nhe|nha|a|ha|voi|di|nhe|duoc khong|khong|duoc|ne|nhi|dau|luon|"
    rf"(?:(?:tim|xem|gui) )?(?:giup|ho|dum|cho)(?: {_WHO})?|cam on(?: (?:loa|ban|nhieu))?|tim xem|"
    rf"admin|(?:{_WHO}|loa|bot|admin) oi|(?:(?<=\bdi )|(?<=\bnhe )|(?<=\bnha ))(?:loa|bot)))*$"
)
# How the words of ``TAIL`` are spelt when they are politeness or "please" words; typed with
# other marks they are words of the request: "làm nhà" (a house) is no "nhá", "giá dầu" (oil)
# no "đâu", "nửa" (half) no "nữa". Typed without marks they are taken as the particle.
TAIL_SPELLINGS: dict[str, frozenset[str]] = {
    folded: frozenset(spellings.split())
    for folded, spellings in {
        "nua": "nữa", "nhe": "nhé", "nha": "nhá", "a": "ạ à á", "ha": "hả", "voi": "với",
        "di": "đi", "duoc": "được", "khong": "không", "ne": "nè", "nhi": "nhỉ", "dau": "đâu",
        "luon": "luôn", "cho": "cho", "giup": "giúp", "toi": "tôi", "minh": "mình", "tim": "tìm",
        "ho": "hộ", "dum": "dùm giùm", "bac": "bác", "chau": "cháu", "con": "con", "em": "em",
        "chu": "chú", "co": "cô", "anh": "anh", "chi": "chị", "ong": "ông", "ba": "bà",
        "cam": "cảm", "on": "ơn",
    }.items()
}  # fmt: skip
SUBSCRIBE_RE = re.compile(
    r"^(?:.*?\b)?(?:dang ky(?: nhan tin| theo doi| nhan)?|theo doi|nhan (?:tin(?: tuc)?|thong tin)|"
    r"muon nhan|muon nghe tin(?: tuc)?|lay tin|gui tin|bam (?:sat )?tin(?: tuc)?|"
    r"nhan(?: them)? (?:tin )?(?:muc|chu de|chuyen muc)|nhan them tin(?: tuc)?|"  # "nhận mục X"
    r"(?<!da )(?<!bo )(?<!lua )chon(?: nhan)?(?: tin)?|bao tin|"  # "chọn xã X", "báo tin X"
    r"(?:bat|mo) tin(?: tuc)?|"  # "bật tin Xa Dung"
    rf"(?:gui|bao)(?: cho)? {_WHO}(?: (?:moi|tat ca|het|cac|nhung))? tin(?: tuc)?|"
    r"gui them tin(?: tuc)?|"  # "từ giờ gửi tôi tin X"
    # "(tôi) muốn đọc tin nông nghiệp thôi": only that, from now on
    r"muon (?:doc|xem|nghe) tin(?: tuc)?(?=.* thoi$))(?:\s+(?:ve|cua|o|tai|tu|xa nha))?"
    r"\s+(?P<arg>.+?)" + TAIL
)
# Who lives where, said before a name and nothing after it: "nhà tôi ở bản X", "tôi ở xã X"
# (unknown with the place: Loa offers its news).
LIVES_RE = re.compile(
    r"^(?:(?:nha|ban|que) )?(?:toi|em|minh|bac|chau|con|ba|ong) (?:(?:o|song o|que|la nguoi)"
    r"(?: o)?(?: (?:ban|xa|phuong))?|(?:o|song o) (?:ban|xa|phuong))$"
)
# One's own commune, unnamed, after "đăng ký": "của xã mình", "xã để biết lịch họp" (the name
# is said elsewhere: "nhà tôi ở Xá Nhè, muốn đăng ký nhận tin của xã để biết lịch họp").
OWN_UNIT_RE = re.compile(
    rf"(?:de )?(?:cho {_WHO} )?(?:(?:giup|ho|dum)(?: {_WHO})? )?(?:nhan )?(?:tin(?: tuc)? )?"
    r"(?:(?:cua|o|tai|ve) )?"
    r"(?:que(?: nha| huong)?|"
    r"(?:xa|phuong|ban|lang)(?: (?:nha|minh|toi|em|bac|chau|con|do|ay|ba|ong|anh|chi))*|"
    r"(?:ben|noi) (?:do|day|nay|ay)|"
    r"(?<=o )(?:do|day)|(?:do|day)(?= |$))"
    r"(?: (?:de|cho|thi|va|hang ngay|moi ngay)\b.*)?"
    rf"(?: (?:khong|chua))?(?: {_WHO}(?: oi)?)?$"  # "… về bản bà không cháu"
)
# Civil registration, no subscription: "đăng ký kết hôn cần giấy tờ gì".
PAPERWORK_RE = re.compile(
    r"\bdang ky (?:ket hon|khai sinh|khai tu|tam tru|thuong tru|tam vang|xe|kinh doanh|ho khau|"
    r"dat|quyen su dung|bao hiem|nghia vu)\b"
)
# How to set something (help): "làm sao để đặt giờ yên tĩnh", "chỉ cách đặt bản tin".
HOW_TO_SET_RE = re.compile(
    r"\b(?:lam sao|(?<!tai )sao(?= de)|cach|the nao|nhu nao|bang cach nao|huong dan(?: cach)?)"
    r"(?: de)?(?: (?:ban dem|dem|buoi \w+|ban ngay|luc ngu))? "
    r"(?:(?:bot|loa) )?(?:dat|cai|bat|tat|chinh|doi|chon|nhan|khong (?:nhan|bi)|dung nhan)\b|"
    r"\bthi (?:cai|dat|chinh|bat|tat) (?:sao|the nao|nhu nao|ra sao)\b|"  # "… thì cài sao"
    # "nhắn thế nào để nhận bản tin buổi sáng"
    r"\b(?:nhan|go|viet|bam|noi)(?: \w+)? (?:the nao|nhu nao|ra sao|sao|gi) de\b"
)
# Whenever X comes, tell me: "mỗi khi có thông báo lịch cắt điện thì báo tôi" (X's news).
WHENEVER_RE = re.compile(
    r"(?:\b(?:moi khi|moi lan|khi nao|he|cu|neu|sau nay|tu nay|tu gio) |^)co (?P<arg>.+) "
    r"(?:thi )?(?:bao|gui|nhan tin|nhan)"
    rf"(?: (?:cho|ngay|luon))*(?: {_WHO})?(?: biet)?\b"
)
# Told when X has news: "X có tin thì gửi về", "có tin gì về bên đó thì gửi em nhé", "X có gì
# mới thì nhắn cho em".
# ("… có tin gì mới không thì gửi cho bác xem" asks now: that name's news)
HAS_NEWS_THEN_RE = re.compile(
    r"\bco(?: (?!khong\b|chua\b)\w+){1,6} (?:thi|cu|la) (?:gui|bao|nhan)|"
    rf"\bco (?:tin(?: (?:gi|nao|moi))?|gi(?: moi)?) (?:bao|nhan|gui)(?: cho)? {_WHO}\b(?! xem)"
)
# Told whenever X comes, asked first: "muốn được báo mỗi khi có tin tuyển dụng".
WHEN_TOLD_RE = re.compile(
    rf"\b(?:muon |xin )?(?:duoc )?(?:bao|nhan tin|gui tin)(?: cho {_WHO})? "
    r"(?:moi khi|khi nao|moi lan|khi) co (?P<arg>.+)"
)
# Adding a name: "thêm xã Quài Tở (vào danh sách)", "đưa Mường Phăng vào danh sách nhận tin".
# "Thêm" only first ("cho xem thêm tin X" asks for X's news).
ADD_RE = re.compile(
    rf"^(?:(?:{_WHO}|muon|xin|hay|cho|nho|loa|oi|giup) )*(?:them|bo sung)\b|"
    r"\b(?:them|dua|cho|bo sung|ghi)\b.*\bvao (?:danh sach|ds)\b"
)
_UNSUBSCRIBE_ARG = (
    r"(?:\s+(?:ve|cua|o|tai|tu))?\s+(?P<arg>.+?)(?: (?:ra )?khoi (?:danh sach|ds)"
    rf"(?: (?:nhan tin|dang ky|cua {_WHO}))*)?" + TAIL
)
UNSUBSCRIBE_RE = re.compile(
    r"^(?:.*?\b)?(?:huy dang ky|bo dang ky|huy theo doi|bo theo doi|thoi nhan tin|"
    r"khong (?:muon |can )?nhan tin(?: tuc)?|ngung nhan tin|dung nhan tin|thoi theo doi|"
    r"khong (?:can|muon) tin(?: tuc)?|(?:khong|chang|thoi) (?:muon |can )?theo doi|"
    r"khong (?:muon |can )?nhan|"
    r"bo nhan tin|huy nhan tin|(?:dung|khong|thoi|ngung|khoi) gui(?: tin(?: tuc)?)?|xoa dang ky|"
    r"tat tin(?: tuc)?|"
    # "không lấy tin X nữa", "cắt tin chính trị"
    r"(?:khong|thoi|dung|ngung)(?: muon| can)? lay tin(?: tuc)?|cat tin(?: tuc)?|"
    r"xoa theo doi)" + _UNSUBSCRIBE_ARG
)
# A verb alone ("bỏ X", "huỷ X", "xoá X") only where the request starts: "bo" typed without
# marks is also "bò", "bố", "bộ" ("con bo di lac o Muong Phang", "nha bo o Muong Phang").
UNSUBSCRIBE_VERB_RE = re.compile(
    rf"^(?:(?:{_WHO}|muon|xin|hay|cho|nho|loa|oi|giup|thi|vay|nhe|ok|a|ad|em|e|thoi) )*"
    r"(?:huy|bo|xoa(?: bo)?|loai(?: bo)?|go(?: bo)?|rut)" + _UNSUBSCRIBE_ARG
)
# Every choice dropped, said before what: "xoá hết đăng ký xã", "bỏ tất cả lựa chọn".
UNSUBSCRIBE_EVERY_RE = re.compile(
    r"\b(?:huy|bo|xoa|go)(?: bo)? (?:het|tat ca|toan boq?|sach)(?: cac| nhung)? "
    r"(?:(?:xa|phuong|chu de|muc) )?"
    r"(?:(?:da|dang) )?(?:dang ky|theo doi|lua chon)\b|"
    # "bỏ lọc theo xã, gửi tin mọi nơi như trước", "thôi khỏi lọc nữa"
    r"\b(?:bo|khoi|thoi) loc(?: theo (?:xa|chu de))?\b|"
    # "bỏ hết các xã và mục tôi đã chọn", "xoá mấy cái đã đăng ký, để mặc định": every one
    r"\b(?:huy|bo|xoa) het (?:cac |nhung )?(?:xa|chu de|muc)\b.*\b(?:da|dang) "
    r"(?:chon|dang ky|theo doi)\b|"
    r"\b(?:huy|bo|xoa|go)(?: bo)? (?:may|nhung|cac)(?: cai)?(?: (?:xa|chu de|muc))? (?:da|dang) "
    r"(?:dang ky|theo doi|chon)\b"
    r"(?=.*\b(?:mac dinh|tat ca|het|moi tin|nhu cu|chung)\b)|"
    r"\b(?:huy|bo|xoa|go)(?: bo)? (?:het|tat ca|toan boq?|sach)(?: cac| nhung)? (?:xa|chu de)"
    r"(?: (?:va|voi) (?:cac )?(?:xa|chu de))?$|"  # "…, bỏ hết các xã"
    # "bỏ lựa chọn xã đi, nhận chung hết như cũ"
    r"\b(?:huy|bo|xoa) (?:cac |het )?(?:lua chon|chon) (?:xa|chu de)\b"
    r"(?=.*\b(?:chung|tat ca|het|moi tin|nhu cu)\b)|"
    # "bỏ chọn hết"
    r"\b(?:huy|bo|xoa|go)(?: bo)? (?:chon|lua chon) (?:het|tat ca|toan boq?|sach)\b|"
    # "không muốn nhận riêng xã nữa"
    r"\b(?:khong|thoi)(?: muon| can)?(?: nhan| loc)? rieng (?:xa|chu de|mot xa)(?: \w+)? nua|"
    # "đừng lọc theo xã nữa", "không cần lọc theo chủ đề nữa": every article again
    r"\b(?:dung|khong|thoi|bo)(?: can)? loc(?: tin)?(?: theo)? (?:xa|chu de)(?: \w+)? (?:nua|di)"
)
# Chosen by mistake: "lỡ đăng ký nhầm Nà Bủng", "chọn sai xã X", "X em đăng ký nhầm": drop it.
MISTAKEN_RE = re.compile(
    r"\b(?:(?:dang ky|chon|theo doi|bam)(?: nhan tin| vao)? (?:nham|sai|lon)|"
    r"lo (?:tay )?(?:dang ky|chon|bam|theo doi))\b"
)
UNSUBSCRIBE_BARE_RE = re.compile(
    r"(?:.*?\b)?(?:huy dang ky|bo dang ky|huy theo doi|xoa dang ky)" + TAIL + "|"
    # "hủy cái xã hôm trước tôi đăng ký": which, then?
    r"(?:huy|bo|xoa) (?:cai |mot )?(?:xa|chu de|dang ky) (?:hom truoc|hom qua|luc nay|vua|da|moi)"
    r"\b.*"
)
# Dropping something not named: "hủy", "tôi muốn bỏ", "bỏ bớt một xã", "xoá vài chủ đề".
_SOME = r"(?:mot|\d|hai|vai|may|it|mot vai|mot so) (?:xa|phuong|chu de|muc|noi|dang ky|lua chon)"
UNSUBSCRIBE_SOME_RE = re.compile(
    r"(?:(?:toi|minh|em|bac|chau|con) )?(?:muon |can )?"
    rf"(?:(?:huy|bo|huy bo|xoa|go)(?: bot)?(?: {_SOME})?|bot {_SOME}|"
    rf"(?:huy|bo|xoa) (?:dang ky|theo doi) {_SOME}|"
    # "xoá chủ đề tôi đã theo dõi": which one, then?
    r"(?:huy|bo|xoa|go) (?:cai |mot )?(?:xa|phuong|chu de|muc)(?: (?:toi|minh|em))? (?:da|dang)"
    r" (?:theo doi|dang ky|chon))"
    r"(?: (?:(?:da|dang) )?(?:dang ky|theo doi|chon|nhan))?"
    r"(?: (?:ma|nhung) (?:chua (?:nghi ra|biet|nho|chon)|quen)\b.*)?" + TAIL  # "… mà quên tên"
)
_ME = r"(?:toi|minh|em|bac|chau|con|chu|co|ong|ba)"  # who speaks (or is spoken for)
# Ways to say "stop everything", one or several in a row ("không nhận tin nữa, xoá tôi đi").
_STOP_PHRASE = (
    r"(?:khong (?:muon |can )?nhan tin(?: tuc)?|dung nhan tin|ngung nhan tin|thoi khong nhan tin|"
    r"xoa (?:toan boq? |het |tat ca )?(?:du lieu|thong tin)(?: ca nhan)?(?: (?:cua|ve) \w+)?|"
    r"ngat(?: nhan)? tin(?: tuc)?|"
    # "tôi muốn ngừng nhận toàn bộ tin", "tạm ngưng hết tin"
    r"(?:muon )?(?:tam )?(?:dung|ngung)(?: (?:gui|nhan))? (?:het|tat ca|toan boq?)"
    r"(?:(?: cac)? tin(?: tuc| nhan)?)?|"
    r"khong (?:muon |can )?nhan(?: gi| tin gi)?(?: ca| het)? nua|"
    r"(?:tam )?(?:dung|ngung|khoi|cham dut)(?: han)?(?: viec)? (?:gui|nhan)"
    r"(?: tin(?: tuc| nhan)?)?|"
    r"(?:huy|bo|tat) nhan tin(?: tuc)?|(?:xin )?thoi nhan tin(?: tuc)?(?= tu (?:nay|gio|hom nay))|"
    r"(?:tam )?(?:dung|ngung) tin(?: tuc)?|im (?:di|mom|mieng)|"  # "pause tin 2 hôm", "im đi"
    r"(?:huy|xoa|bo) (?:dang ky|theo doi) vinh vien|"
    r"(?:tam )?nghi (?:nhan|xem|doc|theo doi|dung)(?: tin(?: tuc)?| loa)?|"
    r"(?:huy|bo|ngung|dung|thoi) theo doi (?:loa|bot|kenh)(?: nay)?|"
    r"tat (?:het |tat ca )?tin(?: tuc)?|"
    r"(?:khong|chang) (?:dung|xai|su dung)(?: loa| bot| nay| cai nay)? nua|"
    r"huy (?:tat ca|het|toan boq?)|bo het|xoa het|xoa tat ca|(?:dung|ngung) (?:het|tat ca|han)|"
    r"stop(?: (?:gui|nhan))?(?: tin(?: tuc)?)?|(?:muon )?(?:roi khoi|thoat(?: ra)?)|"
    r"chan (?:tin(?: tuc| nhan)?|loa|bot)|"
    r"(?:muon )?(?:dung|huy|ngung|thoi) (?:dung|su dungq?|xai) (?:loa|bot)|"
    # "tắt bot", "dừng tất cả tin nhắn lại" ("tắt thông báo" may be the topic "Thông báo")
    r"(?:tat|dung|ngung|bo)(?: han)? (?:loa|bot)|"
    r"(?:dung|ngung|tat|huy|cat)(?: han)?(?: (?:het|tat ca))?(?: cac)? tin nhan(?: lai)?|"
    r"xoa (?:het |tat ca )?(?:du lieu|thong tin)(?: cua (?:toi|minh|em))?|"
    # "xoá tài khoản", "xoá tôi khỏi danh sách", "huỷ dịch vụ", "rời khỏi loa", "thoát ra"
    rf"(?:xoa|huy|dong|go|bo)(?: bo)? (?:ten |tai khoan |nick |so )?(?:cua )?{_ME}(?: ra)?|"
    r"(?:xoa|huy|dong)(?: bo)? (?:tai khoan|nick)|"
    r"(?:huy|ngung|dung|cat|thoi|ket thuc)(?: bo)?(?: su dungq?| dang ky)?"
    r"(?: (?:het|tat ca|toan boq?)(?: cac)?)? dich vu(?: (?:nay|tin|nhan tin))?|"
    rf"(?:cho {_ME} )?(?:roi|ra|thoat)(?: ra)?(?: khoi)? (?:loa|bot|danh sach|nhom|kenh)"
    r"(?: (?:nhan tin|dang ky|cua loa))?|"
    r"(?:khong|chang|thoi) (?:(?:muon |can )?(?:theo doi|dung|xai)|can)"
    r"(?: tin(?: tuc)?| loa| bot| dich vu)? nua)"
    r"(?: (?:nua|het|tat ca|luon|di|vinh vien|han|hoan toan|roi|thoi|ngay|day|lai|tam thoi|"
    r"tu (?:nay|gio|hom nay|bayq? gio)|moi thu|"
    r"(?:mot )?(?:thoi gian|(?:vai|may|it|\d+) (?:ngay|hom|tuan|thang))|"
    r"(?:tu |cua |tren |qua |khoi )?(?:loa|bot)|"
    r"(?:ra )?khoi (?:danh sach(?: (?:nhan tin|dang ky|cua loa))?|loa|bot)|"
    rf"(?:den|toi|cho|vao) (?:so|may|tai khoan)(?: (?:dien thoai|nay|cua {_ME}))*|"
    r"cho (?:toi|minh|em|bac|chau|con|chu|co|ong|ba|anh|chi)))*"
)
# "Không nhận (gì) nữa" anywhere: receive nothing more, never "every article" nor one name's.
NO_MORE_RE = re.compile(
    r"\b(?:khong|chang|thoi) (?:muon |can )?nhan(?: (?:bat ky|bat cu|them))?"
    r"(?: gi| tin(?: tuc)?(?: gi| nao)?)?(?: ca| het)? nua\b"
)
# Any refusal of receiving or using "… nữa" ("đừng nhắn gì cho bác nữa", "không xem nữa",
# "nghỉ không dùng nữa"): stop, never "drop every choice" (that brings every article back).
# Only receiving words may stand between ("không xem được nữa" is a complaint, not this).
REFUSE_MORE_RE = re.compile(
    r"\b(?:(?:khong|chang|dung|thoi|ngung|khoi) (?:muon |can )?"
    r"(?:nhan|gui|xem|doc|dung|xai|su dung|theo doi|lay tin|lam phien)|(?:khong|chang) can|"
    r"nghi(?: khong (?:dung|xem|nhan|theo doi))?)"
    r"(?: (?:gi|tin|tuc|cho|toi|minh|em|bac|chau|con|anh|chi|chu|co|ong|ba|ca|het|them|loa|bot|"
    r"nao|bat ky|bat cu|"
    r"nay|cai|nhe))*"
    r" nua\b"
)
# Said before a stop: who, "please", "enough" ("xin dừng", "phiền quá, thôi dừng đi").
_STOP_BY = (
    r"(?:(?:toi|minh|em|bac|chau|con|anh|chi|chu|co|ong|ba|thoi|xin|cho|muon|phien(?: qua)?|du roi|"
    r"(?:admin|loa|bot|chau|con|em|anh|chi|bac|chu|co) oi|loa|bot|"
    r"met(?: qua)?|chan(?: qua)?|cam on|nhung) )*"
)
STOP_RE = re.compile(rf"^{_STOP_BY}{_STOP_PHRASE}(?: (?:va |roi |thi )?{_STOP_PHRASE})*" + TAIL)
# Asking to receive or read something ("cho nhận mọi tin", "gửi tin xã X").
RECEIVING_RE = re.compile(r"\b(?:nhan|gui|xem|doc|dang ky|theo doi|tin moi)\b")
# "Dừng", "ngưng", "tắt" alone ("dừng lại", "xin dừng", "tắt hết"): typed so or without marks
# ("đúng" is right).
_BUSY = (  # why one pauses: "mấy hôm em bận", "vì đi làm xa"
    rf"(?: (?:mot )?(?:thoi gian|(?:vai|may|it) (?:ngay|hom|tuan|thang)))?"
    rf"(?: (?:vi|do|tai))?(?: {_ME})?(?: (?:dang|phai|sap))? "
    r"(?:ban|di vang|di xa|di lam(?: an)?(?: xa)?)"
    r"(?: (?:qua|lam|viec))?"
)
_AWAY = (  # why one pauses, said first: "em đi vắng mấy hôm tạm dừng nhé"
    rf"(?:(?:{_ME}) )?(?:(?:dang|phai|sap) )?"
    r"(?:ban|di vang|di xa|di tour|di cong tac|di lam(?: an)?)"
    r"(?: (?:mot )?(?:thoi gian|(?:vai|may|it|\d+) (?:ngay|hom|tuan|thang)))? "
)
STOP_WORD_RE = re.compile(
    rf"{_STOP_BY}(?:{_AWAY})?(?:tam )?(?P<word>dung|ngung|tat|nghi)(?: lai| han)?(?: het| tat ca)?"
    rf"(?: (?:di|nhe|nha|a))*(?: loa(?: oi)?)?(?:{_BUSY})?" + TAIL
)
SEARCH_RE = re.compile(
    # "tin", "tin tức" after: below; "tra" only before them ("tra tin thi", not "trả lời")
    r"^(?:.*?\b)?(?:tim kiem|tim|tra cuu|kiem(?! (?:tra|lam|soat|dinh|diem|duyet|ke))|"
    r"tra(?= (?:tin|thong tin|bai)))"
    rf"(?:\s+(?:giup|ho(?! (?:tro|ngheo|dan|gia dinh|kinh doanh|can ngheo))|dum|cho)"
    rf"(?:\s+(?:{_WHO}|a|c))?)?"  # "hỗ trợ", "hộ nghèo" are searched, no "hộ"
    r"(?:\s+(?:cac|nhung|may|mot vai|mot so))?"
    r"(?:\s+xem(?: co)?)?"  # "tìm xem có tin gì về …"
    r"(?:\s+(?:tin tuc|tin|bai viet|bai bao(?! hiem)|bai|thong tin|van ban)(?: gi| nao)?)?"
    r"(?:\s+(?:(?:co|chua) (?:chu|tu(?: khoa)?)|(?:theo )?tu khoa|"
    r"(?:co )?(?:nhac|noi) (?:toi|den|ve)|ve|co|"
    r"lien quan(?: den| toi)?|noi ve|nao ve|gi ve))?(?:\s+vu(?= \w))?"  # "tin vụ cháy rừng"
    r"\s+(?P<arg>.+?)" + TAIL
)
ASK_ABOUT_RE = re.compile(
    r"^(?:.*?\b)?(?:co )?(?:tin|tin tuc|thong tin|thong bao|bai viet|bai bao|bai|vu|chuyen)"
    r"(?: gi| nao| moi)?\s+"
    r"(?:(?:viet|dang|noi|nhac) )?(?:ve|lien quan(?: den| toi)?)\s+(?P<arg>.+?)" + TAIL
)
# A subject read about: "xem bài giải bóng đá", "cho tôi xem tin tiêm phòng vắc xin", "xem về
# dịch tả lợn châu phi", "tin homestay" (searched when the subject is no news, time or place).
READ_SUBJECT_RE = re.compile(
    r"^(?:(?:cho|xin)(?: (?:toi|minh|em|bac|chau|con|chu|co|ong|ba|anh|chi))? )?"
    r"(?:(?:xem|doc|coi) (?:(?:tin(?: tuc)?|bai(?: viet| bao(?! hiem))?) (?:ve )?|ve |(?=vu ))|"
    r"tin (?:ve )?)(?:vu )?"
    r"(?P<arg>\w+(?: \w+)*?)" + TAIL
)
# When news came, said beside what is read: "tin hôm qua", "tin vừa đăng" ("qua" alone is
# "via": "lừa đảo qua zalo").
WHEN_SAID_RE = re.compile(
    r"\b(?:(?:hom|tuan|thang|sang|chieu|toi|dem) (?:nay|qua|truoc)|gan day|moi nhat|moi|vua|"
    r"hom nay|ngay mai)\b"
)
# A read subject's first word that makes it the messages themselves ("tin nhắn", "tin gửi",
# "tin tức", "tin đến"), and its last that makes it a complaint ("… chậm quá").
NOT_SUBJECT_FIRST = frozenset("nhan gui tuc den doc dang co bi".split())
NOT_SUBJECT_LAST = frozenset("qua lam the vay ghe oi roi chua khong".split())
# Words of places: news of them is no subject to search ("tin những xã vùng cao").
PLACE_WORDS = frozenset("xa phuong ban lang huyen tinh thon vung".split())
# How to do something ("… thì làm thế nào", "nhắn thế nào"), not how things are.
DOING_HOW_RE = re.compile(
    r"\b(?:lam|nhan|go|bam|viet|dat|chon|dang ky|cai) (?:the nao|nhu the nao|sao|nhu nao)\b"
)
# The state of things before a name: "thông tin về tình hình xã Quài Cang".
SITUATION_RE = re.compile(r"(?:tinh hinh|hoat dong|dien bien|su kien|chuyen)(?: (?:o|tai|cua))? ")
# Receiving news with nothing chosen yet: "cho t nhận tin nhé, chưa chọn xã nào" (start).
UNCHOSEN_START_RE = re.compile(
    r"\bnhan tin\b.*\bchua (?:chon|dang ky|biet chon)(?: (?:xa|chu de|muc|gi))?(?: nao)?"
    r"(?: (?:ca|het|dau))?$"
)
# An incident named alone, "vụ tai nạn giao thông", "vụ lừa đảo qua điện thoại": searched (not
# a crop's season, "vụ mùa năm nay", nor "vụ này", nor a question about it).
INCIDENT_RE = re.compile(
    r"^vu (?!(?:mua|dong|xuan|he|ngo|nay|do|kia|gi|nao|viec)\b)(?P<arg>\w+(?: \w+)+?)" + TAIL
)
INCIDENT_NOT_RE = re.compile(r"\b(?:khong|chua|sao|the nao|ra sao|gi|nao|bao gio|khi nao)\b")
# What next: "phải làm gì tiếp", "tiếp theo làm gì"; about anything ("lũ về phải làm gì"): help
# only when every other word is one the parser knows.
_NEXT = (
    r"(?:phai|can|nen) lam (?:gi|nhung gi)(?: (?:tiep|truoc|dau tien))?|lam gi tiep|"
    r"tiep theo (?:phai |can )?lam gi"
)
NEXT_RE = re.compile(_NEXT)
HELP_RE = re.compile(
    r"\b(?:huong dan(?! vien)|tro giup|giup (?:toi|minh|em|chau|voi|do)|giup$|lam sao|lam the nao|"
    r"(?<!tai )(?<!vi )sao de(?= \w)|(?:co )?cach nao de|bang cach nao|"  # "sao để tìm tin cũ"
    r"thi (?:bam|go|nhan|viet) (?:gi|the nao|sao|nhu nao|cai gi)|"  # "… thì bấm gì"
    r"nhu the nao|the nao de|dung loa|su dung|"
    r"(?:nut|muc) nao de|^go\b.* la (?:duoc|xong)(?: (?:ha|a|khong|chua|nhi))?$|"
    r"cach (?:dung|su dung|dang ky|huy|xem|nhan|tim|doc|bo|tat|dat|chon|theo doi|go|nhap|hoi|them|"
    r"tra cuu|tra)|"
    # "phải làm gì tiếp", "tiếp theo làm gì": what next
    rf"{_NEXT}|"
    # "nhắn gì để loa hiểu", "viết thế nào cho bot hiểu", "loa hiểu được những gì"
    r"(?:nhan|go|viet|noi|hoi|gui|nhap) (?:gi|cai gi|the nao|sao|ra sao|nhu nao) (?:de|thi|cho) "
    r"(?:(?:loa|bot|ban|may|no) )?hieu|(?:loa|bot|ban|may) hieu (?:duoc )?(?:gi|nhung gi)|"
    r"khong (?:biet|hieu)(?: cach)? (?:dung|lam|bam|xem|nhan)|(?:dung|bam|xem) sao$|"
    # "cái này dùng sao vậy", "sao dùng được cái này"
    r"(?:dung|xai) sao (?:vay|day|nhi|ha)$|"
    r"sao (?:dung|xai)(?: duoc)? (?:cai nay|loa|bot|app|ung dungq?)|"
    r"\bla nguoi moi\b|^nguoi moi\b|"  # "tôi là người mới"
    # "loa có chức năng gì", "tính năng của loa", "có những tính năng nào"
    r"(?:chuc nang|tinh nang) (?:gi|nao|cua (?:loa|bot|ung dungq?|app))|"
    r"(?:nhung|cac|co) (?:chuc nang|tinh nang)|"
    r"(?:dung|bam|lam|xem)(?: (?:loa|bot|ung dungq?|app|cai nay|no))? "
    r"(?:the nao|ra sao|nhu nao|kieu gi)|"
    r"bam (?:cai |nut )?(?:gi|nao) de|(?:nhan|go|viet|an) (?:gi|cai gi|lenh gi|chu gi) de|"
    r"chi (?:toi|minh|em|cach)|bay (?:toi|minh|em)|co lenh|lenh gi|"
    r"(?:loa|ban|em|bot|may|ung dungq?|app|cai nay|kenh)(?: nay)?(?: co the)? "
    r"(?:lam|giup)(?: duoc)? "
    r"(?:gi|nhung gi|viec gi|nhung viec gi)|"
    r"(?:loa|bot|ung dungq?|app|cai nay|kenh|trang)(?: nay)? (?:de|dung de) lam gi|"
    r"(?:loa|bot|ung dungq?|app|cai nay|cai loa|kenh|trang|day)(?: nay)? la (?:gi|cai gi)|"
    r"(?:(?:phai|can|nen) (?:go|nhap|viet|bam|an|nhan)|go|nhap lenh) "
    r"(?:gi|cai gi|lenh gi|nut gi|nut nao|the nao|ra sao|nhu nao)|"
    r"(?:cac|nhung|danh sach|xem|co may) lenh|lenh (?:nao|la gi|gi)|lenh\b.* la (?:gi|cai gi)|"
    r"^giup|^\?+$|(?:dau )?gach cheo|cu phap|(?:bam|an|cham) (?:vao |o )?dau)"
)
# The "how" words of HELP_RE that may be about anything ("lợn bị ốm phải làm sao"): help only
# with a word about the bot in the message, or few words besides known ones.
HOW_RE = re.compile(r"lam sao|lam the nao|nhu the nao|the nao de|nhu nao|kieu gi|sao de|" + _NEXT)
BOT_WORDS_RE = re.compile(
    r"\b(?:loa|bot|dang ky|tin|nhan|xem|doc|bam|dung|lenh|huy|(?<!con )bo(?! an\b)|ban tin|"
    r"yen tinh|tim|"
    r"im lang|yen lang|tong hop|"
    r"theo doi|cai dat|ung dungq?|zalo|telegram|tai khoan|thong bao|xa|chu de)\b"
)
HOW_OTHER_WORDS_MIN = 2  # what next: 1
# Asking how to drop something ("cách huỷ đăng ký", "làm sao để bỏ theo dõi"): help, no drop.
HOW_TO_RE = re.compile(
    r"\b(?:cach|lam sao|lam the nao|the nao|nhu nao)(?: (?:de|ma|thi))? (?:huy|bo|xoa|dung|ngung)\b"
)
# Asking whether a bulletin or quiet hours are set: "tôi có đặt bản tin … không" (mine).
# What one has set, asked: "có đặt giờ yên lặng chưa", "giờ bản tin của tôi là mấy giờ", "tôi
# đang để giờ im lặng mấy giờ nhỉ", "đang ở chế độ nào": one's settings (/cuatoi).
_SETTING = (
    r"(?:ban tin|khong lam phien|gio (?:yen tinh|yen lang|im lang|khong lam phien|tong hop)|"
    r"che do (?:khong lam phien|im lang|yen tinh|yen lang))"
)
_SET_ASKED = (
    rf"(?:(?:co|da) (?:dat|cai|bat|dang ky) {_SETTING}\b.*\b(?:khong|chua)\b|"
    rf"{_SETTING} (?:cua {_WHO} )(?:la |dang (?:de |dat )?)?(?:luc |vao )?may (?:gio|h)|"
    rf"(?:{_WHO} )?(?:(?:dang|da) )?(?:de|dat|cai|nhan) {_SETTING}(?: (?:luc|vao|la))?"
    r" may (?:gio|h)|"
    rf"{_SETTING} (?:da|co) (?:dat|cai|bat)\b.*\b(?:khong|chua)\b|"  # "giờ im lặng đã đặt chưa"
    rf"(?:co )?dang (?:nhan|dat|bat|de) {_SETTING}\b.*\b(?:khong|chua)\b|"
    r"(?:co )?dang (?:tat|tam dung|tam ngung|dung) (?:nhan )?tin\b.*\b(?:khong|chua)\b|"
    r"dang o che do nao|"
    # "tôi có đang theo dõi Mường Nhé không", "đã chọn nhận tin của những xã, chủ đề nào"
    r"co dang (?:theo doi|nhan tin|dang ky)\b.*\b(?:khong|chua)$|"
    r"(?:da|dang) chon (?:nhan )?tin(?: cua)? (?:nhung|cac) (?:xa|chu de)|"
    # "bản tin của tôi đặt lúc mấy giờ", "mấy giờ thì gửi bản tin cho tôi", "giờ nhận bản tin
    # của tôi"
    rf"{_SETTING}(?: \w+){{0,2}} cua {_WHO}(?: (?:la|dat|de|dang|duoc|gui|nhan))*(?: (?:luc|vao))? "
    r"may (?:gio|h)|"
    rf"may (?:gio|h) (?:thi )?(?:gui|nhan) {_SETTING} cho {_WHO}|"
    rf"may (?:gio|h) {_WHO} (?:nhan|duoc gui) {_SETTING}|"
    rf"{_WHO} (?:da )?(?:dat|cai|de) {_SETTING} (?:luc|tu) (?:nao|bao gio)|"
    rf"gio (?:nhan|gui) {_SETTING}(?: (?:hang|moi) ngay)? cua {_WHO}$|"
    # "mấy giờ bản tin gửi cho chị nhỉ", "tôi có nhận bản tin hằng ngày không nhỉ"
    rf"may (?:gio|h) {_SETTING} (?:duoc )?(?:gui|den) (?:cho )?{_WHO}|"
    rf"(?:co|da) (?:nhan|dat) {_SETTING}(?: (?:hang|moi) ngay)? (?:khong|chua)\b)"
)
SET_ASKED_RE = re.compile(rf"\b{_SET_ASKED}")
# A refusal to send or receive before a time named: "đừng gửi tin vào giờ nghỉ trưa".
HOLD_RE = re.compile(r"\b(?:dung|khong) (?:gui|nhan)(?: tin)?(?: (?:vao|trong|luc))?\b")
THERE_NEWS_RE = re.compile(r"\btin(?: tuc)? (?:o|cua|tai|ben) (?:do|day|ay)\b")  # "tin ở đó"
# "bản tin", "yên tĩnh" as words ("ủy ban tỉnh" holds the letters of "ban tin").
BULLETIN_NAMED_RE = re.compile(r"\bban tin\b")
# The daily summary refused: "huỷ tổng hợp", "tắt tổng hợp đi, gửi tin liền".
BULLETIN_OFF_RE = re.compile(
    r"\b(?:huy|tat|bo|thoi|dung|ngung|khong)(?: (?:che do|gui|nhan))?(?: (?:ban|tin))? tong hop\b|"
    r"\b(?:khong|thoi|dung|ngung|bo|huy) (?:gom|gop|don) tin\b|"
    r"\b(?:huy|tat|bo|thoi|dung|ngung|khong)(?: gui)?(?: tin)? theo gio\b"  # "huỷ gửi tin theo giờ"
)
# A bulletin asked for as news, not the daily one: "bản tin mới", "sáng nay có bản tin gì không"
BULLETIN_NEWS_RE = re.compile(
    r"\bban tin (?:nao |gi )?(?:moi|hom nay)\b(?! ngay)|"
    r"\bco ban tin (?:gi|nao)\b(?!.*\b(?:moi ngay|hang ngay|tong hop|luc|vao)\b)"
)
RHYTHM_NAMED_RE = re.compile(r"\b(?:ban tin|yen tinh)\b")
MINE_RE = re.compile(
    r"\b(?:cua toi|toi (?:dang|da) (?:nhan|dang ky)|minh (?:dang|da) (?:nhan|dang ky)|"
    r"(?:da|dang) dang ky (?:gi|nhung gi|nhung xa nao|xa nao)|"
    r"dang ky (?:nhung |cac )?(?:gi|xa nao|chu de nao|tin gi|xa gi)(?: (?:the|vay))? roi|"
    # "những tin nào đang gửi cho tôi", "đăng ký rồi mà không nhớ", "số này đang được nhận tin
    # những xã nào"
    rf"(?:nhung )?tin (?:nao|gi) (?:dang|hay|thuong) (?:gui|den)(?: cho)? {_WHO}|"
    r"dang ky roi ma (?:khong|chang) nho|"
    r"(?:dang|da) (?:duoc )?nhan tin(?: tuc)? (?:cua |o |ve )?(?:nhung |cac )?"
    r"(?:xa|chu de|muc) nao|"
    r"dang nhan (?:tin )?(?:gi|nhung)|"
    r"da chon (?:gi|nhung)|"
    # "kiểm tra xem đã đăng ký chưa", "đã đăng ký xã chưa", "đăng ký được chưa"
    rf"kiem tra(?: (?:xem|lai|giup|ho))*(?: {_WHO})?(?: (?:da|dang|co))? (?:dang ky|theo doi)|"
    r"(?:da |co )dang ky\b.* chua(?: (?:nhi|a|vay|the))?$|"  # "tôi có đăng ký xã X chưa nhỉ"
    r"(?:da |co )?dang ky(?: (?:dungq?|sai))?(?: (?:xa|phuong|chu de|tin))?"
    r"(?: (?:duoc|xong|thanh cong))?"
    r"(?: roi)? chua\b|"
    r"^my (?:dang ky|lua chon)|"  # English: "my subs"
    # "loa đang gửi cho tôi tin gì", "bot hay gửi cho em những tin nào" (not "tin gì mới")
    # "đang gửi tin gì cho mình", "đang nhận tất cả hay chỉ một xã"
    rf"(?:dang|hay|thuong) gui (?:tin )?(?:gi|nhung gi) cho {_WHO}|"
    r"dang nhan (?:tin )?(?:tat ca|het|moi tin) hay|co dang nhan tin\b.* (?:khong|chua)$|"
    r"dang nhan (?:het|tat ca|moi) tin(?: khong)? hay|"
    rf"(?:dang|da|hay|thuong) gui(?: tin)?(?: cho)? {_WHO}(?: (?:nhung|cac))?(?: tin(?: tuc)?)?"
    r"(?: cua)?(?: (?:nhung|cac))? "
    r"(?:gi|nao|(?:xa|chu de|muc) nao)\b(?! moi)|"
    r"(?:xa|chu de|noi|muc)(?: (?:toi|minh|em))? (?:da|dang) (?:dang ky|theo doi|chon)|"
    r"^(?:cac )?(?:xa|chu de|muc) (?:toi|minh|em) (?:chon|dang ky|theo doi)$|"  # "xã mình chọn"
    # "tôi đã theo dõi Noong Hẹt chưa nhỉ", "mình đang theo dõi những gì"
    r"(?:da|co) (?:theo doi|chon)\b.* chua(?: (?:nhi|a|vay|the|ta))?$|"
    r"dang theo doi (?:nhung |cac )?(?:gi|xa nao|chu de nao)\b|"
    # "xem các xã mình đã theo", "đang theo những xã nào", "mình đang để những xã, chủ đề gì"
    rf"(?:xa|chu de|muc)(?: (?:nao|gi))? {_WHO} (?:da|dang) (?:theo|de)\b|"
    r"(?:da|dang) (?:theo|de|chon) (?:nhung|cac|may) (?:xa|chu de|muc)\b|"
    r"(?:toi|minh|em|bac|chau|con) (?:dang |da )?theo doi (?:nhung |cac )?"
    r"(?:gi|xa nao|chu de nao|xa gi|muc nao|muc gi)|"
    r"da chon (?:nhung |cac )?(?:xa|muc|chu de) (?:nao|gi)|"
    r"(?:toi|minh|em|bac|chau|con) (?:dang )?nhan tin(?: tuc)? (?:cua |o )?(?:nhung )?"
    r"(?:xa|muc) nao(?! duoc)|"
    # "(mình) có đăng ký xã nào chưa", "đang nhận tin về cái gì", "theo dõi mấy xã rồi",
    # "đã chọn nhận tin những xã nào": who (or "đã", "đang", "có"), the choosing, what
    r"(?:(?:toi|minh|em|bac|chau|con|chu|co|ong|ba) (?:(?:da|dang|co) )?|(?:da|dang|co) )"
    r"(?:(?:dang ky|theo doi|chon)(?: nhan| theo doi)?(?: tin(?: tuc)?)?|nhan(?: tin(?: tuc)?)?)"
    r" (?:(?:cua|o|ve|tai) )?(?:(?:nhung|cac) )?"
    r"(?:gi|cai gi|dau|noi nao|cho nao|(?:xa|phuong|chu de|muc|noi|loai tin)(?: phuong)? (?:nao|gi)"
    r"(?! duoc)|"
    r"(?:may|bao nhieu) (?:xa|phuong|chu de|muc|noi))|"
    # "danh sách đã đăng ký", "những gì tôi đã chọn", "lựa chọn của em", "đăng ký của e"
    r"(?:danh sach|ds|nhung gi|nhung cai|cac thu|nhung thu)(?: ma)?"
    r"(?:(?: (?:toi|minh|em|bac|chau|con))? (?:da|dang)| (?:toi|minh|em|bac|chau|con))"
    r" (?:dang ky|theo doi|chon|nhan)|"
    # "xem danh sách theo dõi", "ds đăng ký của em"; "các xã tôi đăng ký"
    rf"(?:danh sach|ds) (?:dang ky|theo doi)(?: cua {_WHO})?{TAIL}|"
    rf"(?:cac|nhung) (?:xa|phuong|chu de|noi|muc)(?: ma)? {_WHO} (?:(?:da|dang) )?"
    r"(?:dang ky|theo doi|chon|nhan tin)|"
    r"(?:lua chon|dang ky|cai dat|thiet lap) cua (?:toi|minh|em|bac|chau|con)|"
    # "xem lại đăng ký", "xem các lựa chọn của em"
    r"(?:lua chon|dang ky) (?:hien tai|hien gio|bayq? gio)|^(?:cho )?xem (?:cac |nhung )?lua chon$|"
    r"(?:duoc )?gui tin (?:ve|cua) (?:dau|xa nao|noi nao)|"
    r"nhan tin theo (?:chu de|xa|muc) (?:gi|nao)|dang theo (?:chu de|xa|muc) nao|"
    rf"{_SET_ASKED}|"
    rf"(?:gi|cai gi) dang (?:bat|mo) cho {_WHO}|"
    rf"xem lai (?:cac |nhung )?(?:dang ky|lua chon)|xem (?:cac |nhung )?(?:dang ky|lua chon) "
    rf"(?:cua )?{_WHO})\b"
)
# "xã", "phường", "xã phường", "địa bàn", "địa phương"
_UNITS = r"(?:xa|phuong|dia ban|dia phuong)(?: (?:xa|phuong))?"
COMMUNES_RE = re.compile(
    rf"\b(?:danh sach (?:cac )?{_UNITS}|ds {_UNITS}|(?:nhung|cac|may) {_UNITS} (?:nao|gi)\b|"
    rf"(?:cac|nhung) {_UNITS}|{_UNITS} nao (?:co|trong|tren)\b(?! tin)|"
    rf"{_UNITS} nao (?:moi |da |duoc |bi )?(?:sap nhap|nhap|gop|doi ten)|"
    # "chọn xã nào đây", "xem xã phường"
    rf"chon {_UNITS} nao|"
    r"xem (?:cac )?(?:xa phuong|phuong xa)|^xem (?:cac )?(?:xa|phuong)$|"
    r"^bang (?:cac )?(?:xa|phuong)|"
    rf"(?:bao nhieu|may) (?:xa|phuong)|liet ke (?:cac |nhung )?(?:xa|phuong)|"
    r"danh muc (?:xa|phuong)|"
    rf"ten (?:cac |nhung )?(?:xa|phuong)|(?:tat ca|toan boq?|het)(?: cac)? {_UNITS}|"
    r"don vi (?:hanh chinh )?(?:xa|phuong)|(?:xa|phuong) hien nay|"
    # "các đơn vị hành chính mới", "đơn vị hành chính sau sáp nhập"
    r"don vi hanh chinh|(?:theo doi|co|xem) duoc (?:nhung |cac )?(?:xa|phuong) nao)\b"
    # ("hết xăng" is no "hết xã")
)
# Where an old commune went, no name said ("xã cũ của tôi giờ thuộc xã nào"): the list of
# communes with the old ones each took in. Read before "của tôi" (one's own choices).
CHOSEN_RE = re.compile(  # what one chose
    r"\b(?:(?:da|dang) (?:dang ky|theo doi|chon)|dang ky roi|(?:dang|da) (?:duoc )?nhan tin)\b"
)
# The whole list asked for, one's own commune in it: "có xã của tôi trong đây không, cho xem hết".
COMMUNES_ALL_RE = re.compile(
    rf"\b(?:xem|liet ke|ke) (?:het|tat ca|toan boq?)(?: cac)? (?:xa|phuong)\b|"
    r"\b(?:co|tat ca|tong cong) (?:bao nhieu|may) (?:xa|phuong)\b|"
    r"\bsap nhap\b.*\bdanh sach\b|\bdanh sach\b.*\bsap nhap\b|"
    r"\b(?:cac|nhung) (?:xa|phuong) (?:(?:co the|de|duoc) )+(?:dang ky|chon|theo doi)|"
    rf"\b(?:xa|phuong)(?: cua {_WHO})? (?:co )?trong (?:day|danh sach)"
)
COMMUNES_WHERE_RE = re.compile(
    r"\b(?:(?:thuoc|(?:sap )?nhap|gop|sap nhap|ve|la|vao)(?: vao| ve)? (?:xa|phuong) nao|"
    r"(?:xa|phuong|ban) cu\b.*\b(?:thuoc|nhap|sap nhap|gop|gio la|bayq? gio la|doi ten))\b"
)
# "Có xã nào để chọn", "phường nào đăng ký được": the list, read before "đăng ký" asks which.
COMMUNES_ASK_RE = re.compile(
    rf"\b{_UNITS} nao (?:(?:de|duoc|co the) )+(?:chon|dang ky|theo doi)|"
    # "tên các xã để đăng ký là gì", "có những xã mới nào", "liệt kê các xã"
    rf"\bten (?:cac |nhung )?{_UNITS} (?:(?:de|duoc|co the) )*(?:chon|dang ky|theo doi|la gi)|"
    rf"\b(?:co )?(?:nhung|cac) {_UNITS} moi nao|\bliet ke (?:cac |nhung |het )?{_UNITS}|"
    rf"\b{_UNITS} nao (?:chon|dang ky|theo doi)(?: nhan tin)? duoc\b"
)
BESIDES_RE = re.compile(r"\b(?:khac ngoai|ngoai\b.*\b(?:con|khac))\b")  # "… khác ngoài X"
TOPICS_RE = re.compile(r"\b(?:chu de|danh muc|linh vuc|chuyen muc)")
# "Mục tin", "loại tin", "có những mục gì", "tin gồm những gì": the list of topics.
_KINDS = r"(?:muc|loai|mang|nhom|de tai|chu de|chuyen muc|linh vuc)"
TOPICS_ASK_RE = re.compile(
    rf"\b(?:(?:muc|loai|mang|nhom) tin|(?:nhung|cac|may|co) {_KINDS}(?: tin)?(?: tuc)? (?:gi|nao)|"
    r"(?:muc|loai|(?<!can )(?<!phai )(?<!nen )(?<!se )mang) (?:gi|nao)|gom (?:nhung )?gi|"
    # "chủ đề nào đăng ký được": what there is to choose
    rf"{_KINDS} (?:nao|gi) (?:(?:co the|duoc) )?(?:dang ky|chon|theo doi|nhan)|"
    # "các chủ đề để đăng ký", "những mục có thể chọn": what there is to choose
    rf"liet ke (?:cac |nhung |het )?{_KINDS}|{_KINDS} (?:nao|gi) khac|"
    rf"(?:cac|nhung) {_KINDS}\b.* la (?:gi|nhung gi)|"
    rf"(?:(?:cac|nhung|danh sach(?: cac)?) )?{_KINDS}(?: tin)?(?: (?:de|co the|duoc|ma))+ "
    r"(?:dang ky|chon|theo doi|nhan))\b"
)
LATEST_RE = re.compile(
    r"\b(?:tin moi|tin tuc|thong tin moi|co gi moi|co tin|tin gi|tin hom nay|doc tin|"
    r"hien(?: het| tat ca| ra)? (?:cac )?tin|"  # "hiện hết tin của cả tỉnh"
    r"^(?:tat ca|toan boq?|moi) (?:cac )?tin(?: tuc)?\b|"  # "tất cả tin của mọi xã"
    r"(?:xem|coi) (?:het |tat ca |toan boq? |moi )?(?:cac )?tin|"
    r"tin nong|ban tin moi|tin nao|tin moi nhat|bao moi|thoi su|hom nay co gi|moi nhat|"
    r"bai (?:(?:nao|gi) )?moi|thong bao (?:(?:gi|nao) )?moi|co thong bao (?:gi|nao)|"
    r"tin(?: (?:cua|o|tai|xa))?$|^tin\b|"
    # "cập nhật tin" ("update tin"), "mấy tin gần đây"
    r"cap nhat (?:tin|thong tin)|tin (?:gan day|moi day|gan nhat)|dang (?:gi|tin gi|bai gi) moi|"
    r"moi co (?:chuyen|gi)|co chuyen gi moi)"
)
BULLETIN_ASK_RE = re.compile(
    r"\b(?:ban tin|moi ngay|hang ngay|gom (?:het |tat ca )?tin|(?:mot|1) lan|gui tin luc|"
    r"gui tin vao|nhan tin luc|"
    r"nhan tin vao|gui luc|gui vao|tom tat tin|gui gop|gop tin|tin gop|tin tong hop|tong hop tin|"
    r"tong hop (?:theo |moi |hang )?ngay|moi (?:sang|trua|chieu|toi)|"
    r"^(?:(?:dat|gui|cai) )?tong hop(?= (?:luc |vao )?\d))\b"  # "tổng hợp 6h sáng", "digest 6am"
)
QUIET_ASK_RE = re.compile(
    r"\b(?:yen tinh|ban dem|buoi dem|ve dem|dem khuya|luc ngu|di ngu|dung gui|khong gui|"
    r"dung nhan|khong nhan|im lang|tat tieng|giu tin|dung bao|de ngu|dung lam phien|"
    r"khong lam phien|toi dung|giu (?:tin )?lai|han(?:g)? gui|khong (?:muon |can )nhan|"
    r"(?:luc|khi) (?:dang )?ngu)"
)
NIGHT_RE = re.compile(
    r"\b(?:ban dem|buoi dem|ve dem|dem khuya|nua dem|luc ngu|di ngu|buoi toi)\b|^dem\b"
)
# A negation that "đâu" may close ("không … đâu"): a "dau" typed after it is no "dầu".
NEGATED_RE = re.compile(r"\b(?:khong|chang|chua)\b")
NOT_RE = re.compile(r"\b(?:khong|dung|ngung|thoi|chang|cam|huy|bo)\b")
OFF_RE = re.compile(  # ("tóm tắt" is a summary, no "tắt")
    r"\b(?:(?<!tom )tat|bo|huy|khong can|khong (?:muon )?nhan(?! duoc)|thoi|ngung|dung|xoa|khoi)\b"
)
LATEST_ALL_RE = re.compile(
    r"\b(?:tat ca|moi tin|het(?! (?:pin|tien|han|gio|ban|viec|song))|toan boq?|(?:ca|toan) tinh|"
    r"(?:cac|moi) xa|(?<!gi )(?<!tin )(?:moi|khap) noi)\b"  # ("tin gì mới, nói nhanh")
)
# "Các xã" after news words is every commune's news, not the list of communes.
EVERY_COMMUNE_NEWS_RE = re.compile(
    r"\btin\b.*\b(?:(?:cac|moi|(?:tat ca|het|toan boq?)(?: cac)?) xa\b|nhung xa\b(?! (?:nao|gi)\b))"
)
# Quiet hours over: "hết giờ yên tĩnh", "gửi tin bình thường".
QUIET_OVER_RE = re.compile(
    r"\b(?:het (?:gio )?yen tinh|(?:gui|nhan)(?: tin)?(?: lai)? (?:nhu )?binh thuong)\b"
)
# "Có thông báo gì (mới) chưa": has any announcement come yet, like "tin mới về chưa": the latest
# news, not the topic "Thông báo" ("có thông báo gì mới không" is labelled that topic).
ANY_NOTICE_RE = re.compile(
    r"\bthong bao (?:gi|nao)(?: moi)?(?: (?:ve|den|toi))? chua\b|"
    r"\bthong bao (?:gi|nao) moi nhat(?: (?:ve|den|toi))? (?:chua|khong)\b|"  # the newest: any
    # "có thông báo gì mới của tỉnh không": the authorities' news, no topic
    r"\bco thong bao (?:gi|nao) moi (?:cua|o|tu|tren) (?:tinh|huyen|xa|uy ban|chinh quyen)"
    r" (?:chua|khong)\b"
)
# "Thông báo của xã huyện": the authorities' news in general, no topic ("muốn nhận …": /start).
GENERIC_NOTICE_RE = re.compile(
    r"\bthong bao (?:cua|tu) (?:xa|huyen|tinh|chinh quyen|nha nuoc|uy ban|ubnd|loa|bot)"
    r"(?: (?:xa|huyen|tinh|nha nuoc|uy ban|ubnd))*" + TAIL
)
NOTICE_NAMES = frozenset({"thong bao"})  # topic names that are also a word for any news
# Words that only ask when, said after "tin (mới) về": "có tin mới về chưa" (arrived yet?)
ARRIVED_WORDS = frozenset({"chua", "roi", "khong"})
# A question about news ("có tin gì", "có thông báo gì"): with a name in it, that name's news.
ASKS_NEWS_RE = re.compile(
    r"\b(?:co tin|tin gi|tin tuc gi|tin moi|thong bao gi|co gi moi|gi moi|tinh hinh)\b"
)
# "… gì không": a question about the name when little else is said ("có cảnh báo mưa lũ gì
# không"); with more it may be any question ("con bò nhà tôi ở X bị ốm gì không").
# A yes-no question: "có … không", "có … chưa".
YES_NO_RE = re.compile(r"co \b.*\b(?:khong|chua)(?: (?:a|nhi|vay|ha|the))?")
ASKS_RE = re.compile(r"\b(?:gi|nao) (?:khong|chua)\b")
ASKS_OTHER_WORDS_MAX = 2
# "Ở đó", "ở đây": the place named before ("tôi ở Phình Giàng, muốn nhận tin ở đó").
THERE = (
    r" (?:(?:o|tai|cua|ve) (?:do|day)|(?:(?:o|tai|cua|ve) )?(?:xa|noi|cho|ben|ban) (?:do|nay|day)|"
    r"(?:(?:o|tai|cua|ve) )?(?:xa|ban|phuong) (?:nha|(?:nha )?(?:minh|toi|em|bac|chau|con)))"
)
# Words typed with their marks that fold like other words, read as a synonym: "tới" (until)
# folds like "tối" (evening) and "tôi" (I); it is "đến".
# "Ừ", "ờ" (yes) fold like the name "Ư" (Na Ư) and "ở" (at): typed so, they are "ok". "Bây
# (giờ)" (now) folds like "bảy (giờ)" (seven o'clock): "bayq", no hour.
SPELT_AS: dict[str, str] = {
    "tới": "den", "ừ": "ok", "ừm": "ok", "ừa": "ok", "ờ": "ok", "bây": "bayq",
    "ê": "alo", "hú": "alo", "lô": "alo",  # "ê" calls ("ê bot"), folded it is "e" (em)
}  # fmt: skip
# A refusal to send or receive, said before a time: a "toi" typed without marks right after
# it, before the time, is "tới" (until): "dung gui tin toi 8h" keeps news back until 8.
REFUSAL_RE = re.compile(
    r"\b(?:dung|khong|ngung|chang|thoi)(?: (?:co|muon|can))? (?:gui|nhan|bao|nhan tin)\b"
)
# Command words whose folded form is another everyday word: only these spellings (or the word
# typed without diacritics) are the command ("bố", "đúng" are not "bỏ", "dừng"); the others
# are read with a "q" after them ("boq": no word ends so), like "toàn bộ" ("toan boq").
COMMAND_SPELLINGS: dict[str, frozenset[str]] = {
    "bo": frozenset({"bo", "bỏ"}),
    "huy": frozenset({"huy", "hủy", "huỷ"}),
    "dung": frozenset({"dung", "dừng", "đừng", "dùng"}),
    "tin": frozenset({"tin", "tìn", "tỉn", "tĩn", "tịn"}),  # "tín" (uy tín, tín dụng): no news
}
# "tin" typed without marks that is "tín" (trust, credit), no news: after "uy", before these.
TRUST_BEFORE = frozenset({"uy"})
TRUST_AFTER = frozenset({"tuong", "dung", "hieu", "nguong", "nhiem", "chap"})
# "bắt đầu (nhận tin từ hôm nay)", "nhận tất cả tin (toàn tỉnh)": /start, every article.
# "toàn bộ" is read "toan boq"; "mới" folds like "mọi": "mọi tin" only before
_EVERY = r"(?:tat ca|het|toan boq?)(?: cac)?"
_TO_ME = rf"(?: cho {_ME})?"
# "(Tôi muốn) nhận tin (trở lại)", "bật nhận tin", "kích hoạt", "bắt đầu lại từ đầu": /start.
# "Có nhận tin không" asks, and "nhận tin xã X" names what (a subscription).
_FROM_NOW = r"(?:tu hom nay|tu bayq? gio|tu nay|tu gio|nay)"  # "từ nay", "từ bây giờ", "nay"
_START_BY = (
    rf"(?:(?:{_ME}|cho|muon|xin|duoc|tham gia|hay|can|cung|lai|{_FROM_NOW}|(?:bayq? )?gio|ok|vao|"
    rf"dong y|(?:loa|bot|admin|{_WHO}) oi|loa|bot|thoi) )*"
)
_START_AFTER = (
    rf"(?: ?(?:(?:cua )?(?:toan|ca) tinh|cua tinh|(?:cua )?(?:chinh quyen|uy ban)(?: tinh)?|"
    rf"{_FROM_NOW}|"
    r"ngay|hang ngay|thuong xuyen|tro lai|lai|len|(?:lai )?tu dau|tiep(?: tuc)?|binh thuong|"
    r"(?:tu|cua|tren|qua|bang) (?:loa|bot)|thoi|nhu truoc khi (?:dung|tat|huy|ngung)|"
    r"(?:cua )?tinh(?: (?:nha|minh|ta|dien bien))?|"
    r"nhu (?:truoc|cu|xua|binh thuong|thuong le|moi nguoi|nguoi khac)(?: day)?|"
    rf"cho {_ME}))*"
)
# "Gửi tin cho tôi" is /start only from now on ("gửi tin cho em từ nay", "từ nay gửi tin").
_FROM_NOW_SAID = "|".join(
    f"(?<={said} )" for said in ("tu hom nay", "tu bay gio", "tu bayq gio", "tu nay", "tu gio")
)
START_RE = re.compile(
    rf"{_START_BY}(?:bat dau(?: lai)?(?: nhan tin(?: tuc)?(?: moi)?| nhan| dung| su dungq?)?"
    rf"(?: (?:loa|bot))?(?: {_EVERY}(?: tin(?: tuc)?)?)?(?: (?:nao|thoi|ngay))?|"
    # "khởi động (lại nhận tin)", "tiếp tục nhận tin", "cho tôi tham gia", "cho em dùng thử"
    r"(?:khoi dong|tiep tuc)(?: lai)?(?: (?:nhan|gui)(?: tin(?: tuc)?)?| (?:loa|bot))?|"
    r"tham gia(?: (?:loa|bot|nhan tin))?|dung thu(?: (?:loa|bot))?|"
    # "gửi tin lại cho tôi", "gửi lại tin cho em", "lại gửi tin cho em nhé"
    rf"gui (?:lai tin(?: tuc)?|tin(?: tuc)? lai){_TO_ME}|(?<=lai )gui tin(?: tuc)?{_TO_ME}|"
    rf"gui tin(?: tuc)?{_TO_ME} lai|"  # "gửi tin cho bác lại nhé"
    rf"(?:nhan|gui|theo doi|dang ky(?: nhan| theo doi)?)(?: lai)? "
    rf"(?:(?:tin(?: tuc)? )?{_EVERY}(?: tin(?: tuc)?)?|moi tin(?: tuc)?){_TO_ME}|"
    r"nhan lai(?: (?:thong bao|tin tuc|tin|thong tin))*|"
    r"(?:huy|het|thoi|bo) (?:che do )?tam (?:dung|ngung)(?: (?:gui|roi))?(?: gui tiep)?|"
    r"gui tiep(?: tin)?|gui tin(?: tuc)? tiep|khoi phuc(?: viec)?(?: (?:gui|nhan) tin(?: tuc)?)?|"
    # "bật lại giúp bác cái nhận tin"
    rf"(?:bat|mo) lai(?: (?:giup|ho|dum))?(?: {_ME})?(?: cai)? nhan tin|"
    # "dùng loa để nhận tin" ("dừng nhận tin" is read as a stop first)
    r"(?:dung|su dungq?|xai|cai)(?: (?:loa|bot|ung dungq?|app))? (?:de )?nhan tin(?: tuc)?|"
    rf"(?:nhan tin(?: tuc)?|dang ky(?: nhan tin)?|theo doi) {_EVERY} (?:xa|phuong)(?: phuong)?|"
    r"(?<!\bco )nhan (?:tin(?: tuc)?|thong tin)|"
    r"theo doi tin(?: tuc)?|"
    # "đăng ký nhận tin toàn tỉnh": every article ("đăng ký nhận tin" alone asks which)
    r"dang ky(?: nhan)?(?: tin(?: tuc)?)?(?= (?:cua )?(?:toan|ca) tinh)|"
    r"dang ky nhan tin(?: tuc)?(?= (?:tu|cua|tren|qua) (?:loa|bot))|"
    r"dang ky nhan tin(?: tuc)?(?= (?:cua )?tinh$)|"
    rf"(?<=cho ){_ME} (?:duoc )?nhan tin(?: tuc)?|"
    r"(?:dang ky|theo doi)(?: (?:dung|su dungq?|tham gia))? (?:loa|bot|dich vu|kenh)(?: nay)?|"
    # "cho tôi vào danh sách nhận tin", "thêm tên bác vào danh sách" (as "xoá tôi khỏi" stops)
    rf"(?:(?:them|dua|ghi)(?: ten)?(?: {_ME})? )?vao (?:danh sach|ds)"
    r"(?: nhan tin(?: tuc)?| cua loa)?|"
    r"kich hoat(?: lai)?(?: (?:nhan tin|tin|loa|bot|tai khoan))?|"
    r"(?:bat|mo)(?: lai)?(?: nhan)? tin(?: tuc)?|(?:bat|mo) lai(?: (?:loa|bot))?|"
    r"(?:bat|mo) (?:loa|bot)(?: len)?|"
    rf"gui tin(?: tuc)?{_TO_ME}(?= {_FROM_NOW})|(?:{_FROM_NOW_SAID})gui tin(?: tuc)?{_TO_ME})"
    + _START_AFTER
    + TAIL
)
# "(Tôi) muốn dùng loa", "cho em sử dụng bot", "xin được xài dịch vụ": /start. A "dung" here
# must be typed "dùng" or "sử dụng" ("muốn dừng loa" stops; "dung" without marks is either).
WANT_TO_USE_RE = re.compile(
    rf"(?:(?:{_ME}|muon|xin|cho|duoc|can|rat) )*(?:muon|xin|cho {_ME})(?: duoc)? "
    r"(?P<use>dung|su dungq?|xai)(?: thu)? (?:loa|bot|dich vu)(?: (?:nay|nhan tin))?" + TAIL
)
# Who writes as a newcomer: "tôi là người mới", "em mới vào nhóm" (help alone; with a greeting
# and nothing asked, a greeting).
NEWCOMER_RE = re.compile(r"\b(?:la nguoi moi|^nguoi moi)\b")
# A question why news did not come: never a command to drop something.
COMPLAINT_RE = re.compile(
    r"\b(?:(?<!\bra )sao|tai sao|vi sao|khong nhan duoc|chua nhan duoc|khong thay|chua thay)\b"
)
# Quiet hours named: "yên tĩnh", "(chế độ) im lặng".
QUIET_NAME_RE = re.compile(
    r"\b(?:yen tinh|yen lang|(?:che do )?(?:im lang|khong lam phien)|"
    r"khung gio (?:khong nhan|nghi)|gioi han gio|(?<=(?:xoa|tat|huy|dat|cai) )gio tinh|"
    r"(?:khung|khoang) gio(?: \w+){0,2} (?:khong|dung) (?:nhan|gui))\b"
)
# A rest time named, with a refusal: "đừng gửi tin vào giờ nghỉ trưa" (quiet hours: which?).
QUIET_REST_RE = re.compile(r"\b(?:gio nghi (?:trua|ngoi)|nghi trua)\b")
# The bulletin named by what it does: "gửi gộp", "gom tin", "tin gộp".
ONCE_RE = re.compile(r"\b(?:1|mot) lan\b")  # "một lần", a count, no hour
GATHERED_RE = re.compile(
    r"\b(?:gui gop|gop tin|gom (?:het |tat ca )?tin|tin gop|don (?:het |tat ca )?tin|"
    r"tin tong hop|tong hop tin|tong hop (?:theo |moi |hang )?ngay)\b"
)
# Why, said after a request to receive again: "dạo trước tôi dừng rồi", "hôm qua lỡ tắt".
REASON_RE = re.compile(
    r"\b(?:dao truoc|hom truoc|hom qua|truoc day|luc truoc|lo|da (?:dung|tat|huy|ngung)|"
    r"(?:khong|chang) (?:dung|tat|ngung) nua|"
    r"(?:dung|tat|huy|ngung) roi|moi (?:duoc (?:\w+ )?)?(?:cai|tai|vao|biet dung)|"
    r"het (?:ban|viec)|xong viec|ranh roi|doi y|nghi lai|vang tin|(?:khong|chua) thay tin|"
    r"nho (?:doc|tin|xem|nghe)|het (?:di vien|om|benh|di lam|di xa)|xuat vien|khoi benh|"
    r"tam dung|het (?:dot )?ban)\b"
)
# A refusal said after the name it refuses: "(tin xã X ấy) bà không cần nữa bỏ đi", "… thôi
# không nhận nữa"; "… bỏ đi cháu" only at the end ("con bo di lac o X" is a cow astray).
DROP_AFTER_RE = re.compile(
    r"\b(?:(?:khong|chang|thoi) (?:muon |can )?(?:nhan|lay|xem|theo doi)(?: tin)? nua|"
    r"(?:khong|chang) can(?: tin)?(?: (?:gui|nhan))? nua|(?:thoi )?khoi (?:gui|nhan)(?: nua)?|"
    rf"(?:bo|xoa)(?: (?:xa|phuong|tin|chu de|cai) (?:do|ay|nay))? (?:di|luon)(?: {_WHO})?{TAIL})"
)
# Who writes, said after a greeting: "em là giáo viên", "e mới tải zalo", "bác mới vào".
INTRODUCTION_RE = re.compile(
    r"(?:toi|minh|em|bac|chau|con|chu|co|anh|chi|ong|ba) "
    r"(?:la|moi|vua|dang lam|lam|ban|buon ban|lai xe|chay xe|day hoc|trong|nuoi|nau|dan|o|"
    r"ke toan)\b|(?:toi|minh|em|bac|chau|anh|chi) (?:\w+ ){1,6}day$"  # "tôi phát thanh viên … đây"
)
# Questions about Loa itself: what it is, who runs it, where its news comes from, whether to
# trust it ("bot này của ai", "tin lấy nguồn từ đâu", "có phải lừa đảo không").
_ITSELF = (
    r"(?:loa|bot|con bot|cai (?:nay|loa|bot|kenh|app|ung dungq?|trang)|kenh|ung dungq?|app|"
    r"trang|tai khoan)(?: nay| do| loa)?"
)
_YOU = r"(?:ban|em|may|chau|ad|admin)"  # the bot spoken to
_RUNS = (
    r"(?:lap|tao|lam|dungq? sau|quan ly|van hanh|phu trach|so huu|dieu hanh|viet|nghi|phat trien)"
)
_OWNER = (
    r"(?:ai|co quan nao|don vi nao|noi nao|nha nuoc|chinh quyen|ubnd|uy ban|tinh|huyen|xa|bo|"
    r"cong an|dang|doanh nghiep|cong ty|nguoi nao|(?:so|phong|ban|nganh|cap) nao|so|phong)"
)
INFO_RE = re.compile(
    r"\b(?:"
    rf"{_ITSELF} (?:la |nay )?(?:cua|thuoc|do) {_OWNER}|"  # "cái kênh này là của ai"
    rf"{_ITSELF}(?: la)? (?:co )?phai (?:la )?(?:cua|thuoc|do) |"  # "bot này có phải của ubnd"
    rf"ai {_RUNS}(?: ra)? (?:ra )?{_ITSELF}|"  # "ai lập ra cái loa này", "ai đứng sau con bot"
    rf"{_ITSELF} (?:do )?(?:ai|(?:co quan|don vi|noi|nguoi) nao) {_RUNS}|"  # "bot này ai tạo"
    rf"{_ITSELF} la (?:gi|cai gi|ai|con gi)|{_YOU} la (?:ai|may|robot|bot|nguoi that)\b|"
    r"nguoi (?:that )?hay (?:la )?(?:may|bot|robot)|"  # "em là người hay máy thế"
    r"gioi thieu (?:ve |qua )?(?:loa|bot|ban than|cai nay|ung dungq?|app|kenh)|"
    r"who are (?:you|u)|what is (?:this|loa|it)|"
    # "ứng dụng này lấy tin ở đâu ra", "tin ở đây lấy nguồn từ đâu", "nguồn tin từ đâu"
    r"(?:lay|nguon)(?: \w+){0,3} (?:tu|o) dau|nguon (?:tin )?(?:tu|o|la) (?:dau|nao|gi)|"
    r"lay(?: tin(?: tuc)?)? (?:tu|o) (?:bao|dai|trang|cong thong tin|nguon)\b|"  # "… từ báo X à"
    rf"{_ITSELF} (?:co )?(?:tin cay|tin duoc|uy tin|chinh thong|chinh thuc|that|lua dao|an toan)|"
    r"(?:co phai|hay la|la) lua dao|"
    # "Loa lấy tin từ cổng thông tin tỉnh à", "ai đang trả lời tin nhắn này", "đây là tài khoản gì"
    rf"{_ITSELF} lay tin (?:tu|o)|ai (?:dang )?tra loi (?:tin nhan|{_ITSELF})|"
    r"day la (?:tai khoan|kenh|trang|bot|nick|ung dungq?|app)(?: \w+)? (?:gi|nao|cua ai)|"
    # "tin của Loa có đáng tin không", "có mất tiền không", "có thu thập thông tin cá nhân không"
    rf"(?:tin (?:cua|tren|tu) )?{_ITSELF} (?:co )?(?:dang tin|chinh xac)(?: cay)? khong|"
    r"(?:dung|xai|nhan tin|cai nay|loa|bot)(?: \w+)? (?:co )?(?:phai )?(?:mat|ton|tra) "
    r"(?:tien|phi)|"
    rf"{_ITSELF} (?:co )?(?:xem|doc|nghe) (?:duoc )?(?:tin nhan|thong tin)\b|"  # … tin nhắn riêng
    r"\bco (?:mat|ton|bi tru) (?:tien|phi)|bi tru tien|"
    # "loa biết những gì về tôi", "ai gửi tin cho loa", "có cán bộ xã đọc được không"
    rf"{_ITSELF} biet (?:nhung )?(?:gi|cai gi) ve {_WHO}|ai gui tin cho (?:loa|bot)|"
    r"(?:can boq?|nguoi|ai|cong an)(?: \w+)? doc (?:duoc )?(?:khong|tin nhan)|"
    # "bot giả danh nhà nước, sao biết loa là thật"
    rf"gia (?:danh|mao)|(?:sao|lam sao|lam the nao de) biet (?:tin (?:cua|tren|tu) )?{_ITSELF}"
    r" (?:la )?(?:that|gia)|"
    # "loa có nhớ những gì tôi nhắn không"
    rf"{_ITSELF} (?:co )?(?:nho|luu|doc|xem|giu) (?:lai )?(?:nhung |cac )?(?:gi|tin nhan)"
    rf"(?: {_WHO})? (?:nhan|gui|viet|noi)|"
    # "bạn lưu những thông tin gì của tôi", "loa có bán thông tin", "biết tên với địa chỉ"
    rf"(?:{_ITSELF}|{_YOU}) (?:co )?(?:luu|ban|giu|thu thap|chia se|biet)(?: \w+){{0,4}} "
    r"(?:thong tin|du lieu|dia chi|so dien thoai|ten)\b|"
    # "thông tin cá nhân của tôi có bị lộ không", "dữ liệu của tôi Loa giữ ở đâu"
    rf"(?:thong tin ca nhan|du lieu|so dien thoai)(?: cua {_WHO})?(?: \w+){{0,3}} "
    r"(?:bi lo|lo ra|bi ban|an toan|"
    r"bao mat|(?:luu|giu|de|cat) (?:o dau|the nao|bao lau))\b|"
    r"(?:noi chuyen |nhan tin )?(?:voi|la) nguoi that|lam ra (?:cai nay|loa|bot)|"
    # "tin này ở báo Điện Biên lấy về à", "có cần nạp thẻ gì không", "loa làm ra để làm gì"
    r"(?:o|tu) (?:bao|dai|trang|cong thong tin)\b.* lay (?:ve|sang|qua)\b|"
    r"(?:co )?(?:can|phai) nap (?:the|tien)|"
    rf"{_ITSELF} (?:duoc )?(?:lam|tao|lap) ra de (?:lam )?(?:gi|chi)\b|"
    r"day (?:co )?(?:phai )?(?:la )?(?:trang|kenh|tai khoan|nick)(?: \w+)? (?:cua|thuoc) |"
    # "bạn tên gì", "mình đang nói chuyện với robot à"
    rf"^(?:{_ITSELF}|{_YOU}) (?:ten|ten goi) (?:la )?gi\b|"
    r"(?:noi chuyen|chat|nhan tin) (?:voi|cung) (?:may|robot|bot|nguoi may|tri tue nhan tao)\b|"
    r"is (?:this|it|loa) (?:bot )?(?:official|real|free|safe)|"
    rf"{_ITSELF} (?:co )?(?:doc trom|nghe trom|xem trom|theo doi trom)|"
    rf"{_ITSELF} (?:co )?(?:giay phep|phep|duoc cap phep)\b|"
    # "sao Loa có số tôi", "ai kiểm duyệt tin trên Loa", "số điện thoại của tôi bot giữ để làm gì"
    r"(?:so dien thoai|ten|dia chi|thong tin|du lieu)\b.* (?:giu|luu|lay|dung)(?: \w+)? "
    r"(?:de )?(?:lam gi|lam chi|vao viec gi)|"
    rf"(?:sao|tai sao|vi sao) {_ITSELF} (?:co|biet|lay duoc) (?:so|ten|dia chi|thong tin)|"
    rf"ai (?:kiem duyet|duyet|chon|viet|dang|bien tap) tin(?: tuc)? (?:tren|cua|o) {_ITSELF}|"
    r"(?:noi chuyen|nhan tin) voi ai|"
    r"(?:so dien thoai|thong tin|du lieu)(?: \w+){0,5} (?:co )?"
    r"(?:giu lai|luu lai|dem ban|ban cho|chia se cho)\b|"
    r"(?:link|duong dan)\b.*\b(?:hack|lua dao|virus|an toan|mat tien|doc hai)|"
    # "đây có phải trang chính thức của ủy ban", "có hỏi mã OTP không", "loa giữ những gì của
    # tôi", "có biết nhà tôi ở đâu không"
    r"\bday (?:co )?(?:phai )?(?:la )?(?:trang|kenh|tai khoan|bot|zalo)(?: \w+)? "
    r"(?:chinh thuc|that)|"
    r"\botp\b|^co an toan (?:khong|chu)|(?:^|\b(?:co|la) )mien phi (?:khong|a|ha|chu|that)|"
    r"^mien phi(?: (?:a|ha|khong|chu|the))?$|"
    rf"(?:{_ITSELF}|{_YOU}) (?:co )?(?:luu|giu|biet) (?:nhung )?(?:gi|cai gi) (?:cua|ve) {_WHO}|"
    rf"biet nha {_WHO} o dau|(?:theo doi|biet|lay) vi tri|sao {_ITSELF} biet {_WHO}|"
    rf"(?:lay|thu) du lieu|{_ITSELF} (?:co )?doc (?:duoc )?tin nhan|"
    r"(?:copy|lay|chep) (?:tu|o) (?:bao|trang|dau|nguon) (?:nao|gi)|"
    r"(?:du lieu|thong tin)\b.*\b(?:giu|luu) (?:nhung )?(?:gi|cai gi)|"
    r"(?:dung|xai) (?:loa|bot|cai nay)\b.*\b(?:tra tien|tien cuoc|mat tien|nap the|mat phi)|"
    r"(?:thu thap|luu|lay|ban) (?:thong tin|du lieu|so dien thoai)(?: ca nhan)?"
    rf"(?: cua {_WHO})?(?: (?:khong|gi))?$"
    r")\b"
)
# A request to the authorities, through Loa: "hỏi xã giúp", "báo lên xã giúp" (no help asked).
TO_OTHERS_RE = re.compile(
    r"\b(?:hoi|bao(?: len)?|nho|xin|de nghi|kien nghi|phan anh) (?:xa|uy ban|ubnd|chinh quyen|"
    r"can boq?|huyen|tinh|cong an)\b"
)
# What makes such a question one about the commands instead ("các lệnh của loa là gì").
INFO_NOT_RE = re.compile(r"\b(?:lenh|chuc nang|tinh nang|cach|chu de)\b")
