"""The intent parser (``news.intents``) on messages written as residents write them: table-driven
cases per intent, typos asked back, and the labelled sets (``tests/fixtures/intents_*.jsonl``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import build_catalog
from bot.wording import meaning
from news import intents
from news.intents import IntentParser
from news.intents_eval import Case, canonical, evaluate, parse_cases

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def parser() -> IntentParser:
    return IntentParser(build_catalog("Điện Biên").resolver)


@pytest.mark.parametrize(
    ("text", "intent", "args"),
    [
        # The 27 everyday messages of issue 22 (24 of them were "chưa hiểu").
        ("có tin gì mới không", "latest", ""),
        ("cho tôi xem tin mới", "latest", ""),
        ("tin tức hôm nay", "latest", ""),
        ("tin xã Mường Phăng", "about", "c:Mường Phăng"),
        ("xã mường phăng có tin gì", "about", "c:Mường Phăng"),
        ("cảm ơn", "thanks", ""),
        ("vâng", "thanks", ""),
        ("dạ", "thanks", ""),
        ("ok", "thanks", ""),
        ("👍", "thanks", ""),
        ("tôi muốn nhận tin xã Thanh Yên", "subscribe", "c:Thanh Yên"),
        ("dnag ky pom lot", "subscribe", "c:Sam Mứn"),
        ("Mường Phăng", "about", "c:Mường Phăng"),
        ("Thanh Nưa", "about", "c:Thanh Nưa"),
        ("gửi bản tin lúc 6 giờ chiều", "bulletin", "18:00"),
        ("bản tin 7 giờ sáng", "bulletin", "07:00"),
        ("tìm tin về cà phê", "search", "ca phe"),
        ("giúp tôi với", "help", ""),
        ("làm sao để đăng ký", "help", ""),
        ("dang ky Sam Mun", "subscribe", "c:Sam Mứn"),
        # Times as people say them; windows.
        ("ban tin 10 gio toi", "bulletin", "22:00"),
        ("bản tin 7h30", "bulletin", "07:30"),
        ("ban tin 19h", "bulletin", "19:00"),
        ("từ 10 giờ tối đến 6 giờ sáng đừng gửi tin", "quiet", "22:00-06:00"),
        ("yentinh 22h-6h", "quiet", "22:00-06:00"),
        ("tắt bản tin", "bulletin", "off"),
        ("bỏ giờ yên tĩnh", "quiet", "off"),
        ("bản tin", "bulletin", ""),
        # Shorthand, telex leftovers, typos in command words.
        ("co tin j moi ko", "latest", ""),
        ("dc roi", "thanks", ""),
        ("tn moi", "latest", ""),
        ("dangw kys pom lot", "subscribe", "c:Sam Mứn"),
        ("tim kiem lu quet", "search", "lu quet"),
        ("tiem kiem lu quet", "search", "lu quet"),
        ("huong dna", "help", ""),
        ("hdsd", "help", ""),
        # Unsubscribing, stopping, own lists.
        ("ko nhận tin xã Sam Mứn nữa", "unsubscribe", "c:Sam Mứn"),
        ("hủy đăng ký tất cả", "unsubscribe", "tatca"),
        ("hủy đăng ký", "unsubscribe", ""),
        ("dừng nhận tin", "stop", ""),
        ("dừng", "stop", ""),
        ("dung lai", "stop", ""),
        ("đúng", "unknown", ""),  # "right" folds like "dừng": it must not ask to stop
        ("thôi", "thanks", ""),
        ("tôi đang nhận tin gì", "subscriptions", ""),
        ("có những xã nào", "communes", ""),
        ("có những chủ đề nào", "topics", ""),
        ("tin moi tat ca", "latest", "tatca"),
        ("xin chào", "greet", ""),
        ("xin chào, có tin gì mới k", "latest", ""),
        # "có tin gì về X": X's news when X is a name, else a search.
        ("có tin gì về Mường Phăng không", "about", "c:Mường Phăng"),
        ("có tin gì về lũ quét không", "search", "lu quet"),
        ("tin canh bao", "about", "t:canh-bao"),
        # Everyday words that fold like command words, and complaints, drop nothing.
        ("bố tôi ở sam mứn", "unknown", "c:Sam Mứn"),
        ("bỏ sam mứn", "unsubscribe", "c:Sam Mứn"),
        ("bo sam mun", "unsubscribe", "c:Sam Mứn"),
        # "bo" typed without marks is also "bò", "bố": it drops only what it names next
        ("cho toi bo tin xa Muong Phang", "unsubscribe", "c:Mường Phăng"),
        ("e muon huy Muong Phang", "unsubscribe", "c:Mường Phăng"),
        ("con bo di lac o Muong Phang", "unknown", "c:Mường Phăng"),
        ("nha bo o Muong Phang", "unknown", "c:Mường Phăng"),
        ("bo me em o Thanh Nua", "unknown", "c:Thanh Nưa"),
        ("sao tôi không nhận được tin xã Sam Mứn", "unknown", "c:Sam Mứn"),
        ("dùng loa thế nào", "help", ""),
        # Negations are no subscriptions; names typed as one word.
        ("không muốn nhận thông báo ban đêm", "quiet", ""),
        ("không muốn nhận thông báo", "unsubscribe", "t:thong-bao"),
        ("dang ky muongphang", "subscribe", "c:Mường Phăng"),
        # Part of names: the places that hold it, to pick from.
        ("mường", "about", "muong"),
        ("tin xa muong th", "about", "xa muong th"),
        ("co tin moi chua", "latest", ""),  # "chưa" is in "Tủa Chùa", but this is a question
        ("loa ơi", "greet", ""),
        ("hủy", "unsubscribe", ""),
        # Not a command, but a name in it: offered.
        ("nhà tôi ở bản Phiêng Ban xã Mường Phăng", "unknown", "c:Mường Phăng"),
        # Not a command: a question Loa cannot answer.
        ("lịch cắt điện tuần này thế nào", "unknown", ""),  # offered: search, latest, help
        ("con bò nhà tôi bị ốm", "unknown", ""),
        # Gaps the unseen holdout3 showed (these are other wordings of them).
        ("xem 3 bài mới nhất", "latest", "3"),  # a count before "tin"/"bài"
        ("xem tin mới giúp tôi", "latest", ""),  # "giúp tôi" as politeness, not a call for help
        ("tìm giúp mình tin về lúa", "search", "lua"),
        ("giúp mình với ạ", "help", ""),
        ("tôi ở xã Mường Phăng, đăng ký cho tôi nhé", "subscribe", "c:Mường Phăng"),
        ("xa Muong Phang gan day co tin j", "about", "c:Mường Phăng"),  # "gần đây", "dạo này"
        ("khong gui tin Muong Phang nua", "unsubscribe", "c:Mường Phăng"),
        ("xoá đăng ký xã Mường Phăng", "unsubscribe", "c:Mường Phăng"),
        ("ngừng nhận tin tất cả", "stop", ""),  # every news, not every choice (that is all news)
        ("thôi đừng gửi tin nữa đâu", "stop", ""),
        ("dừng hết", "stop", ""),
        ("xóa thông tin của mình", "stop", ""),
        ("tôi muốn nhận tất cả tin tức toàn tỉnh", "start", ""),
        ("bắt đầu từ hôm nay", "start", ""),
        ("chào buổi tối loa", "greet", ""),
        ("hello ad", "greet", ""),
        ("cảm ơn bn nhiu", "thanks", ""),
        ("kiểm tra lại đăng ký", "subscriptions", ""),
        ("không biết bấm thế nào", "help", ""),
        ("sao tôi chưa nhận được tin nào", "unknown", ""),  # a complaint: offered, not answered
        ("bản tin chiều 5h", "bulletin", "17:00"),
        ("ban tin luc bay gio sang", "bulletin", "07:00"),
        ("dem 10h den 6h sang thi dung gui", "quiet", "22:00-06:00"),
        # Gaps the blind holdout4 showed (other wordings of them).
        ("xem tin tức tất cả các xã", "latest", "tatca"),  # every commune's news, not their list
        ("cho coi tin mọi xã", "latest", "tatca"),
        ("danh sách các xã", "communes", ""),
        ("xã Thanh Nưa có thông báo gì mới không", "about", "c:Thanh Nưa"),  # name + question
        ("có tin thiên tai gì không", "about", "t:canh-bao"),
        ("Mường Phăng có gì mới không", "about", "c:Mường Phăng"),
        ("xã Thanh Nưa có lũ gì không", "about", "c:Thanh Nưa"),
        ("con bò nhà tôi ở Thanh Nưa bị ốm gì không", "unknown", "c:Thanh Nưa"),  # no news ask
        ("bác muốn hỏi Thanh Nưa dạo này có tin gì không vì mắt kém", "about", "c:Thanh Nưa"),
        ("xem tin xã sam mứn cũ", "about", "c:Thanh An"),  # an old name with "cũ": its successor
        ("đăng ký noong het cu", "subscribe", "c:Thanh An"),
        ("tin quốc phòng an ninh", "about", "t:an-ninh"),  # a topic's name either way round
        ("tin văn hóa xã hội", "about", "t:xa-hoi"),
        ("đăng ký tin y tế", "subscribe", "t:xa-hoi"),  # a portal category names its topic
        ("tin thời sự", "latest", ""),  # a category that means all news names no topic
        ("dang ky xa dung", "subscribe", "c:Xa Dung"),  # a name that begins like "xã"
        ("nhắn tin xã Thanh Nưa", "subscribe", "c:Thanh Nưa"),  # "nhan tin" + a name
        ("bat dau nhan tin", "start", ""),  # "nhận tin" alone subscribes to nothing
        ("nhà tôi ở Thanh Nưa muốn nhận tin ở đấy", "subscribe", "c:Thanh Nưa"),
        ("tôi ở xã pa ham, nhận tin ở đó nhé", "subscribe", "c:Pa Ham"),
        ("toi song o muong phang muon nhan tin xa do", "subscribe", "c:Mường Phăng"),
        ("hết yên tĩnh rồi", "quiet", "off"),
        ("gửi tin như bình thường nhé, bỏ yên tĩnh", "quiet", "off"),
        ("giờ yên tĩnh là mấy giờ", "quiet", ""),
        ("có những lệnh nào", "help", ""),
        ("danh sách lệnh", "help", ""),
        ("stop nhé", "stop", ""),
        ("xoá tôi đi", "stop", ""),
        ("dừng nhận tin rồi xoá tài khoản của tôi luôn", "stop", ""),
        ("các xã tôi đã đăng ký", "subscriptions", ""),
        ("xem những chủ đề đã chọn", "subscriptions", ""),
        # Gaps the blind holdout5 showed (other wordings of them).
        ("xem tất cả tin toàn tỉnh", "latest", "tatca"),
        ("cho coi hết tin nhé", "latest", "tatca"),
        ("em ở Mường Phăng, muốn nhận tin bản mình", "subscribe", "c:Mường Phăng"),
        ("tôi ở Thanh Nưa, đăng ký xã nhà tôi nhé", "subscribe", "c:Thanh Nưa"),
        ("hàng tối gửi bản tin lúc 9h", "bulletin", "21:00"),  # the part of the day said first
        ("buổi chiều gửi tin lúc 5 giờ", "bulletin", "17:00"),
        ("mỗi tối lúc 8 gửi bản tin", "bulletin", "20:00"),
        ("tôi muốn nhận bản tin lúc 7h", "bulletin", "07:00"),  # "tôi" is no "tối"
        ("tìm bài báo về mưa lũ", "search", "mua lu"),
        ("tìm tin tức về giá cà phê", "search", "gia ca phe"),
        ("có bài viết nào về lễ hội không", "search", "le hoi"),
        ("bạn làm được gì", "help", ""),
        ("loa này dùng để làm gì", "help", ""),
        ("vâng e cảm ơn", "thanks", ""),
        ("cháu cảm ơn bác ạ", "thanks", ""),
        ("không muốn nhận gì nữa đâu", "stop", ""),
        ("xóa hết đi", "stop", ""),
        ("hủy tất cả, không nhận tin nữa", "stop", ""),  # never "every article" again
        ("không nhận nữa, hủy hết", "stop", ""),
        ("sao không nhận gì nữa", "unknown", ""),  # a complaint stops nothing
        ("không nhận tin Mường Phăng nữa", "unsubscribe", "c:Mường Phăng"),
        ("mình đk những xã nào rồi", "subscriptions", ""),
        ("tôi đăng ký gì rồi nhỉ", "subscriptions", ""),
        ("em dang ky nhung chu de nao roi", "subscriptions", ""),
        ("lúa bị vàng lá phải làm sao", "unknown", ""),  # a "how" about something else
        ("mất điện thì làm thế nào", "unknown", ""),
        ("làm sao để đăng ký", "help", ""),
        # Gaps the blind holdout6 showed (other wordings of them).
        ("tin xã Xín Thầu", "about", "c:Sín Thầu"),  # s/x
        ("Mường Trà có tin gì không", "about", "c:Mường Chà"),  # tr/ch
        ("đăng ký xã Na Xang", "subscribe", "c:Na Sang"),
        ("tin xã Mường Phăn nhé", "about", "c:Mường Phăng"),  # final ng/n
        ("tin Quải Tở", "about", "c:Quài Tở"),
        ("cho tôi tin Thanh Yen", "about", "c:Thanh Yên"),
        ("tôi đang ăn cơm", "unknown", ""),  # ordinary words are no near name
        ("xem tin toàn tỉnh", "latest", "tatca"),  # every article; "toàn tỉnh" is no "Tỏa Tình"
        ("xem tin an ninh trật tự", "about", "t:an-ninh"),
        ("sau 10h đêm không gửi gì đến 7h sáng nha", "quiet", "22:00-07:00"),
        ("từ 9h tối thì đừng gửi tin đến 5h sáng", "quiet", "21:00-05:00"),
        ("gửi bản tin lúc 8h tối", "bulletin", "20:00"),
        ("có tin nào về phòng chống ma tuý không, tìm giúp mình", "search", "phong chong ma tuy"),
        ("tìm giúp tôi tin về giá lúa", "search", "gia lua"),
        ("thôi, không xài nữa", "stop", ""),
        ("mình không dùng loa nữa", "stop", ""),
        ("tôi vẫn dùng mà", "unknown", ""),
        ("tôi đang theo dõi những gì", "subscriptions", ""),
        ("em theo dõi chủ đề nào", "subscriptions", ""),
        ("bò nhà tôi bỏ ăn phải làm sao", "unknown", ""),  # "bỏ ăn" is no "bỏ đăng ký"
        ("tôi muốn bỏ tin Mường Phăng", "unsubscribe", "c:Mường Phăng"),
        # Gaps the blind holdout7 showed (other wordings of them). Any "… nữa" refusal is stop,
        # never "drop every choice" (that would bring every article back).
        ("đừng gửi tin gì cho em nữa", "stop", ""),
        ("thôi đừng nhắn cho chú nữa nhé", "stop", ""),
        ("em nghỉ không xem nữa", "stop", ""),
        ("thôi chị không đọc nữa", "stop", ""),
        ("hủy hết đi bác không dùng nữa", "stop", ""),
        ("không xem được nữa", "unknown", ""),  # a complaint, not a refusal
        ("sao không gửi tin nữa", "unknown", ""),
        ("đừng gửi tin Mường Phăng nữa", "unsubscribe", "c:Mường Phăng"),
        ("đừng gửi tin ban đêm nữa", "quiet", ""),
        ("đừng gửi bản tin nữa", "bulletin", "off"),
        ("gửi tất cả tin tức cho bác", "start", ""),
        ("cho chú nhận hết tin nhé", "start", ""),
        ("nhận tin tất cả các phường", "start", ""),
        ("bắt đầu sử dụng loa", "start", ""),
        ("cho con được nhận tin với", "start", ""),
        ("muốn nhận tin toàn tỉnh", "start", ""),
        ("gửi tin mới cho tôi", "latest", ""),  # "mới" (new) is no "mọi" (every)
        ("nhận tin xã Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        ("có những loại tin nào", "topics", ""),
        ("tin tức gồm những gì vậy", "topics", ""),
        ("có tin gì về mục y tế", "about", "t:xa-hoi"),  # the topic ("mục X"), not the list
        ("chú đã chọn những mục nào", "subscriptions", ""),
        ("con đang theo dõi mục gì", "subscriptions", ""),
        ("mình đang nhận tin của xã nào", "subscriptions", ""),
        ("cái này dùng kiểu gì", "help", ""),
        ("bấm nút nào để đăng ký", "help", ""),
        ("cách nhận tin như thế nào", "help", ""),
        ("chữa lợn ốm kiểu gì", "unknown", ""),  # a "how" about something else
        ("cảm ơn đã gửi tin", "thanks", ""),
        ("vâng đọc rồi ạ", "thanks", ""),
        ("ok đã xem tin", "thanks", ""),
        ("ok xem tin", "latest", ""),
        ("cảm ơn cho xem tin mới", "latest", ""),
        ("ở đây có những xã phường nào", "communes", ""),
        ("liệt kê các phường", "communes", ""),
        ("đừng gửi thông báo nữa", "unsubscribe", "t:thong-bao"),  # one topic, not stop
        ("có bài gì mới không", "latest", ""),
        ("bài mới của xã Thanh Nưa", "about", "c:Thanh Nưa"),
        ("đăng ký nhận tin theo phường", "subscribe", ""),  # which one, then?
        ("tin theo xã Mường Phăng", "about", "c:Mường Phăng"),
        # Gaps the last holdout7 misses showed (other wordings). A topic's name followed by one
        # of its keywords names the topic once; a keyword alone after "về" is still a search.
        ("có tin cảnh báo sạt lở không", "about", "t:canh-bao"),
        ("xem tin cảnh báo rét đậm", "about", "t:canh-bao"),
        ("thông báo tuyển sinh mới", "about", "t:thong-bao"),
        ("có tin gì về sạt lở không", "search", "sat lo"),
        # A name holding a word that folds like a command word ("dụng" is no "dừng").
        ("có tin tuyển dụng gì không", "about", "t:thong-bao"),
        ("tin Tuyển dụng nhé", "about", "t:thong-bao"),
        # "bên", "phía" (over at) before a name are news words.
        ("tin bên xã Mường Phăng", "about", "c:Mường Phăng"),
        ("bên Thanh Nưa có gì mới không", "about", "c:Thanh Nưa"),
        # Everyday words are no name a sound or a mark off ("lại nữa", "lấy nữa": Lay Nưa).
        ("không nhắn lại nữa à", "unknown", ""),
        ("tôi không lấy nữa", "unknown", ""),
        ("tin Mường Lai", "about", "c:Mường Lay"),
        # Tail words typed as other words stay in the search: "nhà" (house) is no "nhá".
        ("tìm tin về giá dầu nhé", "search", "gia dau"),
        ("tìm tin hỗ trợ làm nhà giúp tôi", "search", "ho tro lam nha"),
        ("tìm tin về làm nhà nhá", "search", "lam nha"),
        ("tìm tin về giá lúa nhé", "search", "gia lua"),
        ("tìm tin lũ quét đi", "search", "lu quet"),
        # One "?" asks for help; several are bewilderment, answered as not understood.
        ("???", "unknown", ""),
        ("?", "help", ""),
        # A greeting with a call ("có ai không", "trả lời đi"); "a lô" is "alô".
        ("alo alo có ai ở đó không", "greet", ""),
        ("chào loa, có nghe không", "greet", ""),
        ("a lô loa ơi", "greet", ""),
        ("a lô cho tôi xem tin mới", "latest", ""),
        ("a lo a lo", "greet", ""),
        ("alo cho tôi tin Mường Phăng", "about", "c:Mường Phăng"),  # greeting, then the ask
        ("a lô tin xã Thanh Nưa", "about", "c:Thanh Nưa"),
        ("có ai biết cách chữa lợn ốm không", "unknown", ""),  # no greeting: no call
        # "tới" (until) is no "tối" (evening): a refusal until a time asks for quiet hours
        # (from when?); plain "toi" is "tới" only after a refusal to send.
        ("đừng gửi tin tới 8h", "quiet", ""),
        ("dung gui tin toi 6h sang", "quiet", ""),
        ("không nhận tin đến 6h sáng nhé", "quiet", ""),
        ("gửi tin tối 8h", "bulletin", "20:00"),
        ("gui tin toi 8h", "bulletin", "20:00"),
        ("từ 10h tối tới 6h sáng đừng gửi", "quiet", "22:00-06:00"),
        # Gaps the blind holdout8 showed (other wordings of them, with must-not-trigger ones).
        # Receiving, no name said, is /start; "nhận tin xã X" subscribes; "có nhận tin không"
        # asks; "đăng ký nhận tin" asks which.
        ("em muốn nhận tin nhé", "start", ""),
        ("cho mình nhận tin lại nhé", "start", ""),
        ("nhận tin tức trở lại", "start", ""),
        ("bật lại tin cho bác", "start", ""),
        ("kích hoạt tài khoản", "start", ""),
        ("bắt đầu lại nhé", "start", ""),
        ("từ nay gửi tin cho em nhé", "start", ""),
        ("gửi tin cho em từ nay nhé", "start", ""),
        ("gửi tin cho tôi", "unknown", ""),  # from now on? or the latest? asked
        ("có nhận tin không", "unknown", ""),
        ("mình muốn đăng ký nhận tin", "subscribe", ""),
        ("nhận tin xã Mường Phăng nhé", "subscribe", "c:Mường Phăng"),
        ("tin mới nhé", "latest", ""),
        # Stopping: "ngừng gửi", "tắt tin", "xin dừng", "… qua loa", a stop then its reason.
        ("ngừng gửi tin cho em", "stop", ""),
        ("tắt tin đi", "stop", ""),
        ("huỷ nhận tin", "stop", ""),
        ("xin dừng lại", "stop", ""),
        ("thôi dừng gửi nhé", "stop", ""),
        ("chán quá, dừng đi", "stop", ""),
        ("ngừng nhận tin qua loa nhé", "stop", ""),
        ("đừng gửi tin nữa nhé, cháu đi làm xa rồi", "stop", ""),
        ("dừng gửi tin, chỉ gửi tin xã Thanh Nưa thôi", "unsubscribe", "c:Thanh Nưa"),
        ("bỏ hết, nhận lại tất cả tin", "unsubscribe", "tatca"),
        ("tắt bản tin đi", "bulletin", "off"),
        ("xin đúng", "unknown", ""),  # "đúng" (right) is no "dừng"
        ("đừng gửi tin nửa đêm", "quiet", ""),  # "nửa" (half) is no "nữa"
        # One's own choices: who, "đã/đang/có", the choosing, what ("mấy xã", "cái gì").
        ("ds đã đăng ký", "subscriptions", ""),
        ("xem lựa chọn của mình", "subscriptions", ""),
        ("đăng ký của bác sao rồi", "subscriptions", ""),
        ("em có theo dõi xã nào không", "subscriptions", ""),
        ("những gì mình đã đăng ký", "subscriptions", ""),
        ("bác đang nhận những gì", "subscriptions", ""),
        ("mình đăng ký bao nhiêu xã rồi", "subscriptions", ""),
        ("chú đã chọn theo dõi những chủ đề nào", "subscriptions", ""),
        ("tôi muốn đăng ký xã nào được", "subscribe", ""),
        ("lựa chọn nào tốt hơn", "unknown", ""),
        # The list of communes: how many, their names, where an old one went (no name said).
        ("dsach các xã", "communes", ""),
        ("tỉnh còn mấy xã", "communes", ""),
        ("tên các phường mới", "communes", ""),
        ("bản cũ của bác giờ thuộc xã nào", "communes", ""),
        ("phường cũ nhà em nhập vào đâu rồi", "communes", ""),
        ("Pa Tần giờ thuộc xã nào", "unknown", "c:Mường Chà"),  # a name: offered
        ("sau sáp nhập có tin gì mới", "latest", ""),
        # Topics: "có chủ đề gì"; "chủ đề/chuyên mục/lĩnh vực X" is X.
        ("có chủ đề gì để chọn không", "topics", ""),
        ("xem chuyên mục thông báo", "about", "t:thong-bao"),
        ("tin lĩnh vực nông nghiệp", "about", "t:kinh-te"),
        # Help: "menu", what Loa is or is for, what to type; one or two "?".
        ("menu lệnh", "help", ""),
        ("Loa này là gì thế", "info", ""),
        ("bot là cái gì", "info", ""),
        ("app này để làm gì vậy", "help", ""),
        ("ứng dụng dùng để làm gì", "help", ""),
        ("cần gõ lệnh gì", "help", ""),
        ("??", "help", ""),
        ("căn cước là gì", "unknown", ""),
        # Thanks: "ừ", "rõ/hiểu rồi", praise of the news with thanks or alone.
        ("ừ được rồi", "thanks", ""),
        ("rõ rồi ạ, cảm ơn", "thanks", ""),
        ("hiểu rồi", "thanks", ""),
        ("bài này hữu ích lắm, cảm ơn loa", "thanks", ""),
        ("tin hay quá", "thanks", ""),
        ("xem tin hay", "latest", ""),
        ("không rõ", "unknown", ""),
        ("Na Ư", "about", "c:Sam Mứn"),  # "Ư" is no "ừ"
        # Greetings: "kính chào", "hê lô"/"ha lô", "… bot", with "mới vào", "hỏi thăm".
        ("kính chào bà con", "greet", ""),
        ("hê lô loa", "greet", ""),
        ("ha lô", "greet", ""),
        ("hello bot", "greet", ""),
        ("chào ad, em mới tham gia", "greet", ""),
        ("xin chào, hỏi thăm sức khỏe cả nhà", "greet", ""),
        ("mới vào", "unknown", ""),
        ("hế lô cho xem tin mới", "latest", ""),
        ("bot", "unknown", ""),
        # Dropping something not named: which, then?
        ("bỏ bớt vài chủ đề", "unsubscribe", ""),
        ("muốn xóa một xã", "unsubscribe", ""),
        # Times: "kém", the end of a window in the start's half of the day, "nửa đêm", and
        # "bây giờ" (now) is no seven o'clock.
        ("bản tin 6 giờ kém 10 sáng", "bulletin", "05:50"),
        ("gửi bản tin lúc 8h kém 15 tối", "bulletin", "19:45"),
        ("chiều từ 1 giờ đến 3 giờ đừng gửi tin", "quiet", "13:00-15:00"),
        ("buổi tối từ 8 giờ đến 11 giờ đừng gửi", "quiet", "20:00-23:00"),
        ("từ 10 giờ tối đến 6 giờ đừng gửi", "quiet", "22:00-06:00"),
        ("yên tĩnh 18h-8h", "quiet", "18:00-08:00"),  # a 24-hour clock keeps its hours
        ("từ nửa đêm tới 6h sáng đừng gửi tin", "quiet", "00:00-06:00"),
        ("gửi bản tin lúc nửa đêm", "bulletin", "00:00"),
        ("từ bây giờ gửi bản tin lúc 8h", "bulletin", "08:00"),
        # A "dau" typed without marks ends a search only after a negation ("đâu").
        ("tim tin gia dau", "search", "gia dau"),
        ("tim tin ve cay dau", "search", "cay dau"),
        ("tìm tin mưa lũ đâu", "search", "mua lu"),
        # "xã mk", "cho e" (shorthand) are news words: the commune named before.
        ("mình ở Thanh Nưa, đk cho mk tin xã mk nhé", "subscribe", "c:Thanh Nưa"),
        # Gaps the blind holdout9 showed (other wordings of them, with must-not-trigger ones).
        # Stopping: removing oneself or the account, ending the service, leaving, "ngừng hết".
        ("xoá mình khỏi danh sách nhận tin đi", "stop", ""),
        ("cho bác ra khỏi danh sách", "stop", ""),
        ("huỷ tài khoản", "stop", ""),
        ("xoá tk", "stop", ""),
        ("ngừng tất cả nhé", "stop", ""),
        ("thoát khỏi bot", "stop", ""),
        ("cắt dịch vụ này", "stop", ""),
        ("thôi, không theo dõi loa nữa", "stop", ""),
        ("dừng nhé loa ơi", "stop", ""),
        ("đúng đi loa", "unknown", ""),  # "đúng" (right) is no "dừng"
        ("huỷ dịch vụ tin xã Thanh Nưa", "unsubscribe", "c:Thanh Nưa"),
        ("xoá tin nhắn", "unknown", ""),
        ("hủy bỏ dịch vụ", "stop", ""),
        ("không cần loa nữa", "stop", ""),
        ("ngưng", "stop", ""),
        ("thôi khỏi gửi tin", "stop", ""),
        ("hủy theo dõi loa", "stop", ""),
        ("xin nghỉ nhận tin", "stop", ""),
        ("không cần tin Mường Phăng nữa", "unsubscribe", "c:Mường Phăng"),
        ("khỏi lo", "unknown", ""),
        # Every article, by any receiving verb; back as before; a last clause after who/why.
        ("nhận hết tin toàn tỉnh", "start", ""),
        ("cho bác nhận lại tin như cũ", "start", ""),
        ("đăng ký nhận hết các tin", "start", ""),
        ("đăng ký tất cả các xã", "start", ""),
        ("bật tin lên cho bác", "start", ""),
        ("theo dõi tất cả các tin", "start", ""),
        ("muốn cài loa để nhận tin", "start", ""),
        ("mới cài loa, cho nhận tin nhé", "start", ""),
        ("hôm qua bấm dừng, giờ cho nhận lại", "start", ""),
        ("chào loa, cho bác nhận tin nhé", "start", ""),
        ("đăng ký dùng loa", "start", ""),
        ("tui muốn nhận tin", "start", ""),
        ("cho tôi vào danh sách nhận tin", "start", ""),
        ("ghi tên bác vào danh sách", "start", ""),
        ("cho Mường Phăng vào danh sách", "subscribe", "c:Mường Phăng"),
        ("tôi cũng muốn nhận tin như mọi người", "start", ""),
        ("bác muốn nhận thông tin từ loa", "start", ""),
        ("dk nhận tin toàn tỉnh", "start", ""),
        ("nhận thông tin xã Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("tôi ở Mường Phăng, cho tôi nhận tin", "subscribe", "c:Mường Phăng"),
        ("bỏ hết, nhận lại tất cả tin", "unsubscribe", "tatca"),
        ("đừng gửi ban đêm, cho nhận tin", "quiet", ""),
        # The list of communes: "xã phường nào", administrative units, "list", all of them.
        ("ds xa phuong", "communes", ""),
        ("có những phường gì", "communes", ""),
        ("xã nào có trên loa", "communes", ""),
        ("các đơn vị hành chính", "communes", ""),
        ("các địa bàn có trên loa", "communes", ""),
        ("những xã ở Điện Biên", "communes", ""),
        ("xã nào mới sáp nhập", "communes", ""),
        ("tin những xã vùng cao", "latest", ""),
        ("xem toàn bộ xã phường", "communes", ""),
        ("nhận toàn bộ tin", "start", ""),  # "toàn bộ" is read "toan boq" ("bộ" is no "bỏ")
        ("xoá toàn bộ đăng ký", "unsubscribe", "tatca"),
        ("list phuong", "communes", ""),
        ("bản cũ của em gộp vào xã nào", "communes", ""),
        ("xã phường nào có tin mới", "latest", ""),
        ("xem tin tất cả các xã", "latest", "tatca"),
        # Topics: "mảng tin", the topics there are to choose.
        ("có những mảng tin nào", "topics", ""),
        ("những chủ đề có thể đăng ký", "topics", ""),
        ("tin mảng y tế", "about", "t:xa-hoi"),
        ("bỏ hết các chủ đề", "unsubscribe", "tatca"),
        # Help: what the bot can do, what next, what to type to be understood, "cách" + verb.
        ("ứng dụng này làm được gì", "help", ""),
        ("tiếp theo phải làm gì", "help", ""),
        ("gõ thế nào để loa hiểu", "help", ""),
        ("loa có chức năng gì", "help", ""),
        ("có những tính năng nào", "help", ""),
        ("k hiểu dùng sao", "help", ""),
        ("tôi là người mới", "help", ""),
        ("muốn biết cách huỷ đăng ký", "help", ""),
        ("lũ về phải làm gì", "unknown", ""),  # what next about something else: no help
        ("cách làm giàu", "unknown", ""),
        # Greetings: wishes, long time no see, sung spellings, a waving hand.
        ("chúc loa buổi tối vui vẻ", "greet", ""),
        ("chào bác, chúc bác sức khoẻ", "greet", ""),
        ("chúc ngủ ngon", "greet", ""),
        ("lâu rồi không gặp loa", "greet", ""),
        ("dạo này khoẻ không loa", "greet", ""),
        ("helloo loa", "greet", ""),
        ("chàooo", "greet", ""),
        ("🙋", "greet", ""),
        ("chúc ngày mới vui vẻ, có tin gì mới không", "latest", ""),
        ("chúc mừng sinh nhật", "unknown", ""),
        ("có ai ở đây không", "greet", ""),  # a call alone greets
        ("có ai biết giá lúa không", "unknown", ""),
        # Thanks for the news, for whom it came.
        ("cảm ơn đã cập nhật kịp thời cho người dân", "thanks", ""),
        ("cảm ơn, cho xem tin mới", "latest", ""),
        # Searching: "các/mấy bài", "hộ/dùm/cho" someone, "…, tìm hộ em" after.
        ("tìm giúp cháu các bài viết về bảo hiểm y tế", "search", "bao hiem y te"),
        ("tìm cho bác mấy tin về giá lúa", "search", "gia lua"),
        ("có tin nào về học bổng không, tìm hộ em với", "search", "hoc bong"),
        ("tìm tin giá bạc", "search", "gia bac"),  # "bạc" (silver) is no "bác"
        ("tìm tin về hồ thuỷ điện", "search", "ho thuy dien"),  # "hồ" (lake) is no "hộ"
        ("tìm giùm bài về phòng chống lũ", "search", "phong chong lu"),
        ("có bài nào về lúa không, tìm giùm bác", "search", "lua"),
        # Dropping: "khỏi danh sách", chosen by mistake, every choice said before what.
        ("xoá chủ đề y tế khỏi danh sách", "unsubscribe", "t:xa-hoi"),
        ("bỏ Mường Phăng ra khỏi danh sách của bác", "unsubscribe", "c:Mường Phăng"),
        ("chọn nhầm xã Pa Ham rồi, xoá giúp", "unsubscribe", "c:Pa Ham"),
        ("em lỡ đăng ký nhầm rồi", "unsubscribe", ""),
        ("bỏ tất cả lựa chọn", "unsubscribe", "tatca"),
        ("xoá bớt một chủ đề đã chọn", "unsubscribe", ""),
        ("không muốn theo dõi Thanh Nưa nữa", "unsubscribe", "c:Thanh Nưa"),
        ("không nhận nữa, bỏ hết đăng ký", "stop", ""),
        # Subscribing: adding to the list, "subscribe", thanks after the request.
        ("thêm chủ đề y tế", "subscribe", "t:xa-hoi"),
        ("đưa Mường Phăng vào danh sách nhận tin giúp bác", "subscribe", "c:Mường Phăng"),
        ("sub Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        ("xin chào loa, bác muốn đăng ký xã Thanh Nưa, cảm ơn nhiều", "subscribe", "c:Thanh Nưa"),
        ("cho xem thêm tin Mường Phăng", "about", "c:Mường Phăng"),
        ("thêm tin mới đi", "latest", ""),
        # One's own choices: what Loa sends me, whether it is done, where.
        ("loa đang gửi cho mình những tin gì", "subscriptions", ""),
        ("kiểm tra giúp bác đã đăng ký chưa", "subscriptions", ""),
        ("em đăng ký xong chưa nhỉ", "subscriptions", ""),
        ("mình nhận tin ở những đâu", "subscriptions", ""),
        ("xem lại đăng ký", "subscriptions", ""),
        ("xem danh sách theo dõi", "subscriptions", ""),
        ("các xã tôi đăng ký", "subscriptions", ""),
        ("danh sách đăng ký nhận tin xã Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("gửi cho tôi tin gì mới", "latest", ""),
        # Hours in words with "rưỡi"; "một năm rưỡi" is no time.
        ("gửi bản tin sáu rưỡi sáng", "bulletin", "06:30"),
        ("bản tin lúc tám rưỡi tối", "bulletin", "20:30"),
        ("tin một năm rưỡi qua", "latest", ""),
        # The night said first: "đêm đừng gửi …" ("đêm qua" is last night, no part of the day).
        ("đêm đừng gửi tin từ 11h đến 5h", "quiet", "23:00-05:00"),
        ("đêm qua mưa, gửi bản tin lúc 7h", "bulletin", "07:00"),
        # Has news come yet ("về" is arriving, no search); "thông báo gì … chưa" is any news.
        ("có tin gì mới về chưa", "latest", ""),
        ("bài mới về chưa", "latest", ""),
        ("hôm nay có thông báo nào chưa", "latest", ""),
        ("có thông báo gì về lịch cắt điện không", "search", "lich cat dien"),
        ("tin thong bao moi", "about", "t:thong-bao"),
        # Not the bot's business: "tín" (trust, credit) is no news, "tên" no "tin".
        ("mua xe máy ở đâu uy tín", "unknown", ""),
        ("mua ban dat o dau uy tin", "unknown", ""),
        ("vay tín dụng ưu đãi", "unknown", ""),
        ("bạn bao nhiêu tuổi", "unknown", ""),
        ("tìm tin tín dụng", "search", "tin dung"),
        # Gaps the blind holdout10 showed (other wordings of them, with must-not-trigger ones).
        # English words residents borrow.
        ("update tin tức hôm nay giúp em", "latest", ""),
        ("follow Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("unfollow chủ đề y tế", "unsubscribe", "t:xa-hoi"),
        ("start loa", "start", ""),
        ("stop loa", "stop", ""),
        ("topics", "topics", ""),
        ("daily 7h", "bulletin", "07:00"),
        ("search giá cà phê", "search", "gia ca phe"),
        ("good evening loa", "greet", ""),
        ("update", "unknown", ""),
        # Receiving again: "tiếp tục", "khởi động", "tham gia", "dùng thử", "gửi tin lại".
        ("tiếp tục gửi tin cho bà nhé", "start", ""),
        ("khởi động lại bot", "start", ""),
        ("tôi muốn tham gia", "start", ""),
        ("cho bác dùng thử loa", "start", ""),
        ("gửi lại tin cho em với", "start", ""),
        ("mở lại bot cho cháu ơi", "start", ""),
        ("gửi tin lại cho bác nhé, hôm qua lỡ tắt", "start", ""),
        ("gửi tin lại cho bác nhé, xã Mường Phăng ấy", "subscribe", "c:Mường Phăng"),
        ("tiếp tục nhận tin xã Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        ("cho tôi tham gia họp xã", "unknown", ""),
        # Stopping: "tắt loa", "dừng hẳn", "tin nhắn", "vĩnh viễn", "… rồi thôi".
        ("tắt loa", "stop", ""),
        ("dừng hẳn nhận tin", "stop", ""),
        ("dung han", "stop", ""),
        ("thôi dừng hết tin nhắn", "stop", ""),
        ("huỷ đăng ký vĩnh viễn", "stop", ""),
        ("xoá hết dữ liệu của tôi rồi thôi", "stop", ""),
        ("ông không cần tin nữa, cháu tắt giúp", "stop", ""),
        ("dungf nhan tin", "stop", ""),
        ("hủy thông báo", "unsubscribe", "t:thong-bao"),
        # Dropping one name: "không lấy tin X", "cắt tin X", the name first and refused after.
        ("không lấy tin chính trị nữa", "unsubscribe", "t:chinh-tri"),
        ("cắt tin Thanh Nưa đi", "unsubscribe", "c:Thanh Nưa"),
        ("Mường Phăng thì thôi không nhận nữa", "unsubscribe", "c:Mường Phăng"),
        ("tin xã Thanh Nưa cháu không cần nữa đâu, bỏ đi", "unsubscribe", "c:Thanh Nưa"),
        ("em muốn bỏ theo dõi 2 xã", "unsubscribe", ""),
        ("xã Mường Phăng có tin gì không nữa", "about", "c:Mường Phăng"),
        ("cắt tóc ở đâu", "unknown", ""),
        ("tôi ở Mường Phăng, hôm qua con bo di lac", "unknown", "c:Mường Phăng"),
        ("không lấy nữa", "unknown", ""),
        # Subscribing by "nghe tin": "muốn nghe tin xã X", "nghe tin xã nhà".
        ("ông muốn nghe tin xã Thanh Nưa, đăng ký giúp ông", "subscribe", "c:Thanh Nưa"),
        ("tôi ở Mường Phăng muốn nghe tin xã nhà", "subscribe", "c:Mường Phăng"),
        # The latest: "cập nhật tin", "tin gần đây", "toàn tỉnh" (every article).
        ("cập nhật tin tức hôm nay giúp em", "latest", ""),
        ("cập nhật tin xã Mường Phăng", "about", "c:Mường Phăng"),
        ("cho bác mấy tin gần đây", "latest", ""),
        ("tin mới toàn tỉnh", "latest", "tatca"),
        ("tình hình xã Mường Phăng thế nào", "about", "c:Mường Phăng"),
        # Bulletin and quiet hours: "tóm tắt … mỗi tối", "kém mười lăm", "gửi gộp", "im lặng".
        ("tóm tắt tin mỗi tối lúc 8 giờ", "bulletin", "20:00"),
        ("gửi bản tin lúc bảy giờ kém mười lăm", "bulletin", "06:45"),
        ("bản tin 7 giờ kém năm sáng", "bulletin", "06:55"),
        ("đừng gửi gộp nữa", "bulletin", "off"),
        ("bật gửi gộp", "bulletin", ""),
        ("tắt im lặng", "quiet", "off"),
        ("chế độ im lặng từ 10 giờ tối đến 6 giờ sáng", "quiet", "22:00-06:00"),
        # Greetings with who writes; a call "có ở đó không".
        ("chào buổi sáng, tôi là cán bộ xã", "greet", ""),
        ("hi ad, em mới cài app", "greet", ""),
        ("alo có ở đó không", "greet", ""),
        ("chào ngày mới", "greet", ""),
        ("chào loa, em ở xã Mường Phăng", "greet", ""),  # who writes (the writers agree)
        ("chào, tôi cần tìm tin lũ", "search", "lu"),
        # Help, search by "tra", the lists of communes and topics.
        ("xài sao vậy", "help", ""),
        ("sao dùng được loa này", "help", ""),
        ("tra thông tin học bổng", "search", "hoc bong"),
        ("tra lời giúp tôi", "help", ""),
        ("có phường nào để đăng ký", "communes", ""),
        ("xã nào đăng ký được", "communes", ""),
        ("chọn xã nào bây giờ", "communes", ""),
        ("chuyên mục nào theo dõi được", "topics", ""),
        ("những chuyên mục", "topics", ""),
        ("chuyên mục giáo dục", "about", "t:xa-hoi"),
        # Gaps of holdout11 closed as families: thanks said other ways ("xin", "đa tạ", a
        # split "ca mon"), "xin" alone stays no thanks.
        ("xin cảm ơn loa", "thanks", ""),
        ("cảm tạ nhiều", "thanks", ""),
        ("ca mon nhe", "thanks", ""),
        ("xin tin mới", "latest", ""),
        # Start: "bắt đầu" with a particle or "nhận tin mới"; wanting to use the bot, its
        # "dùng" typed so ("muốn dừng loa" stops, never a start).
        ("bat dau ngay", "start", ""),
        ("bắt đầu nhận tin mới", "start", ""),
        ("nhận tin mới", "latest", ""),
        ("cho em sử dụng bot", "start", ""),
        ("tôi muốn dừng loa", "stop", ""),
        ("cách dùng loa", "help", ""),
        # Stop: every service dropped, and a stop said after calling out to the bot.
        ("ngừng tất cả dịch vụ", "stop", ""),
        ("hủy toàn bộ dịch vụ nhận tin", "stop", ""),
        ("loa ơi dừng gửi tin", "stop", ""),
        # One's own choices: "danh sách tôi đăng ký", "đăng ký rồi chưa", English "my subs".
        ("danh sách em đăng ký", "subscriptions", ""),
        ("em đăng ký rồi chưa", "subscriptions", ""),
        ("đăng ký xã Mường Phăng rồi chưa", "subscribe", "c:Mường Phăng"),
        # Every choice wiped: "xoá sạch".
        ("xoá sạch đăng ký", "unsubscribe", "tatca"),
        ("xóa sạch chủ đề đã theo dõi", "unsubscribe", "tatca"),
        # A greeting and "người mới", nothing asked: a greeting; asking, or alone, help.
        ("chào loa, tôi là người mới", "greet", ""),
        ("tôi là người mới", "help", ""),
        ("xin chào, em là người mới, hướng dẫn em với", "help", ""),
        # Gaps of holdout12 closed as families. Questions about Loa itself (what it is, who
        # runs it, where the news comes from, whether to trust it): "info"; the commands, a
        # place's news or a search for scams are not.
        ("loa nay cua co quan nao", "info", ""),
        ("ai van hanh cai bot nay vay", "info", ""),
        ("kênh này do ai lập ra", "info", ""),
        ("tin tren loa lay nguon o dau", "info", ""),
        ("nguồn tin từ đâu vậy", "info", ""),
        ("bot có phải lừa đảo không", "info", ""),
        ("loa co chinh thuc khong", "info", ""),
        ("bạn là người thật hay máy", "info", ""),
        ("giới thiệu về bot đi", "info", ""),
        ("what is loa", "info", ""),
        ("các lệnh của loa là gì", "help", ""),
        ("tin loa của xã Mường Phăng", "about", "c:Mường Phăng"),
        ("tìm tin lừa đảo qua mạng", "search", "lua dao qua mang"),
        # Stop: "không nhận bất kỳ tin nào nữa", "stop gửi tin", "hủy … hoàn toàn".
        ("không muốn nhận bất cứ tin gì nữa", "stop", ""),
        ("em ko nhan tin nao nua", "stop", ""),
        ("stop nhan tin", "stop", ""),
        ("dừng gửi tin hoàn toàn", "stop", ""),
        ("không nhận tin Thanh Nưa nữa", "unsubscribe", "c:Thanh Nưa"),
        # Start: following the bot itself, news every day; the authorities' notices in general.
        ("theo dõi bot", "start", ""),
        ("tôi muốn nhận tin thường xuyên", "start", ""),
        ("muốn nhận thông báo của tỉnh", "start", ""),
        ("bỏ theo dõi bot", "stop", ""),
        # Subscribe: "chọn xã X", "gửi cho tôi tin X", "muốn đọc tin X thôi"; "đã chọn",
        # "bỏ chọn", "lựa chọn" are not.
        ("chọn xã Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("gui cho bac tin xa Thanh Nua", "subscribe", "c:Thanh Nưa"),
        ("tôi muốn xem tin an ninh thôi", "subscribe", "t:an-ninh"),
        ("bỏ chọn xã Mường Phăng", "unsubscribe", "c:Mường Phăng"),
        ("bo chon het", "unsubscribe", "tatca"),
        ("xem lựa chọn hiện tại", "subscriptions", ""),
        ("những xã mình đang theo dõi là xã nào", "subscriptions", ""),
        ("xã cũ của tôi giờ thuộc xã nào", "communes", ""),
        # A name dropped after it is named: "…, bỏ xã đó đi".
        ("tôi chuyển khỏi Thanh Nưa rồi, bỏ xã đó đi", "unsubscribe", "c:Thanh Nưa"),
        # Greetings called out ("ê", "lô lô") and thanks to the administrators.
        ("ê loa", "greet", ""),
        ("lô lô loa ơi", "greet", ""),
        ("cảm ơn ban quản trị nhiều", "thanks", ""),
        # Searches: a kind "tìm giúp" after the subject; "lấy tin về đọc" is no search.
        ("có bài nào về cháy rừng không, tìm giúp bác", "search", "chay rung"),
        ("tải tin mới về xem", "latest", ""),
        ("có tin về đọc sách không", "search", "doc sach"),
        # "Có bản tin nào mới": news, no bulletin; "13h30 trưa" is midday.
        ("có bản tin gì mới không", "latest", ""),
        ("yên tĩnh từ 12h đến 14h trưa", "quiet", "12:00-14:00"),
        ("có thông báo gì mới nhất không", "latest", ""),
        # Gaps of holdout13 closed as families (other wordings, with must-not-trigger ones).
        # About Loa: what it costs, what it keeps, who answers, whose department, the source.
        ("nhắn tin cho bot có tốn tiền không", "info", ""),
        ("bot có lưu số điện thoại của tôi không", "info", ""),
        ("ai đang trả lời bot này vậy", "info", ""),
        ("kênh này thuộc phòng nào", "info", ""),
        ("bot lấy tin ở đâu thế", "info", ""),
        ("đây là kênh gì vậy", "info", ""),
        ("tin trên bot có chính xác không", "info", ""),
        ("tìm tin về mất tiền tài khoản", "search", "mat tien tai khoan"),
        # Stop: leaving, blocking, "dừng dùng bot"; "dừng loa" alone stays a question (help).
        ("em muốn thoát ra", "stop", ""),
        ("chặn loa", "stop", ""),
        ("dừng sử dụng bot", "stop", ""),
        # Start: agreeing, "ok vào", "bật lại … nhận tin", as before it was stopped.
        ("đồng ý nhận tin", "start", ""),
        ("mở lại giúp em nhận tin", "start", ""),
        ("nhận lại tin tức như trước khi tắt", "start", ""),
        # Thanks and praise said at length; thanks then a request is the request.
        ("cảm ơn cháu, bà đọc được tin rồi, tiện lắm", "thanks", ""),
        ("bot này xịn quá", "thanks", ""),
        ("cảm ơn, cho bác xem tin mới", "latest", ""),
        # One's own choices asked other ways; the lists asked other ways.
        ("loa hay gửi tin gì cho bác thế", "subscriptions", ""),
        ("đã đăng ký xong chưa, xem giúp em", "subscriptions", ""),
        ("các xã em nhận tin", "subscriptions", ""),
        ("liệt kê các xã", "communes", ""),
        ("tỉnh có những xã mới nào", "communes", ""),
        ("tin có những nhóm gì", "topics", ""),
        ("còn mục nào khác ngoài an ninh không", "topics", ""),
        ("bạn có thể giúp gì", "help", ""),
        ("nhắn gì để hủy hả cháu", "help", ""),
        # A topic's or commune's news asked at length; a name holding "tin" asks for nothing.
        ("tin an ninh ở các bản thế nào", "about", "t:an-ninh"),
        ("bác quê Nậm Tin", "unknown", "c:Mường Chà"),
        # Subscribing said as "báo cho tôi", "mỗi khi có X thì báo", one's own unnamed commune.
        ("báo cho bác tin xã Thanh Nưa nhé", "subscribe", "c:Thanh Nưa"),
        ("khi nào có tin an ninh thì gửi cho tôi", "subscribe", "t:an-ninh"),
        ("tôi ở Thanh Nưa, muốn được nhận tin xã nhà thường xuyên", "subscribe", "c:Thanh Nưa"),
        # Quiet hours: "không làm phiền", "khung giờ nghỉ", bare hours after "yên tĩnh".
        ("bật chế độ không làm phiền", "quiet", ""),
        ("yên tĩnh từ 21 đến 5", "quiet", "21:00-05:00"),
        ("tìm tin có chữ học bổng", "search", "hoc bong"),
        ("tìm kiếm hỗ trợ sinh kế", "search", "ho tro sinh ke"),
        # Gaps of holdout14 closed as families. About Loa: money, what it knows, who reads,
        # whose department, impostors.
        ("nhắn tin có bị trừ tiền không", "info", ""),
        ("bot biết gì về em", "info", ""),
        ("ai gửi tin cho bot vậy", "info", ""),
        ("tin nhắn của tôi có người đọc được không", "info", ""),
        ("loa thuộc sở nào", "info", ""),
        ("làm sao biết bot này là thật", "info", ""),
        ("các lệnh có dấu gạch chéo là gì", "help", ""),
        # Subscribing: one's own commune named before ("… tin bên đó"), "có tin X thì nhắn".
        ("tôi ở Thanh Nưa, đăng ký cho tôi tin bên đó", "subscribe", "c:Thanh Nưa"),
        ("có tin gì về Thanh Nưa thì báo tôi nhé", "subscribe", "c:Thanh Nưa"),
        ("bố mẹ ở Mường Phăng, con muốn nhận tin bên đấy để biết", "subscribe", "c:Mường Phăng"),
        ("bỏ hết các xã", "unsubscribe", "tatca"),
        ("gỡ bớt một xã", "unsubscribe", ""),
        ("tin tổng hợp lúc 21h", "bulletin", "21:00"),
        ("cài giờ yên lặng", "quiet", ""),
        # Searches: "có từ khoá", "nhắc tới"; words after a search verb are no command typo.
        ("tìm bài có từ khóa sạt lở", "search", "sat lo"),
        ("tìm tin nhắc đến cầu treo", "search", "cau treo"),
        ("tra tin bồi dưỡng giáo viên", "search", "boi duong giao vien"),
        # Thanks at length, with what they are for; "cảm ơn nhưng dừng …" is a stop.
        ("cảm ơn loa, nhờ có tin an ninh mà bản tôi biết", "thanks", ""),
        ("loa giỏi thật", "thanks", ""),
        ("cảm ơn nhưng thôi dừng gửi tin", "stop", ""),
        ("xin chào các cháu", "greet", ""),
        # One's own choices asked other ways; the whole list asked with one's own in it.
        ("kiểm tra giúp tôi đăng ký đúng chưa", "subscriptions", ""),
        ("những tin gì đang gửi cho bác", "subscriptions", ""),
        ("đăng ký rồi mà không nhớ xã nào", "subscriptions", ""),
        ("số này đang nhận tin những xã nào", "subscriptions", ""),
        ("xã của bác có trong danh sách không", "communes", ""),
        ("cho theo dõi tin tức của tỉnh", "start", ""),
        # A request to others ending "giúp" is no call for help; "giúp" alone still is.
        ("nhà tôi bị dột, báo lên xã giúp", "unknown", ""),
        ("giúp", "help", ""),
        # Gaps of holdout15 closed as families. About Loa: what it keeps or sells, a person or
        # not, whether its links are safe, why it was made.
        ("bot có giữ số điện thoại của tôi không", "info", ""),
        ("loa có chia sẻ thông tin của bác không", "info", ""),
        ("mình đang nhắn với người thật à", "info", ""),
        ("bấm link trong tin có an toàn không", "info", ""),
        ("ai làm ra loa vậy", "info", ""),
        # Subscribing: "sau này có tin X thì báo", one's own commune "để nhận tin của xã", a
        # name holding "dung" ("Xa Dung") is no "dừng".
        ("từ nay có tin về Mường Phăng thì gửi cho tôi", "subscribe", "c:Mường Phăng"),
        ("nhà tôi ở Thanh Nưa, muốn đăng ký để nhận tin của xã", "subscribe", "c:Thanh Nưa"),
        ("thêm xã Xa Dung vào danh sách của tôi", "subscribe", "c:Xa Dung"),
        # Dropping after why ("…, bỏ xã X ra giúp tôi"); "the one I chose the other day".
        ("tôi chuyển nhà rồi, bỏ xã Thanh Nưa giúp tôi", "unsubscribe", "c:Thanh Nưa"),
        ("xoá cái xã hôm qua em đăng ký", "unsubscribe", ""),
        # Bulletins: "dồn tin", "gom hết tin"; "1 lần" is no hour.
        ("dồn tin lại gửi 1 lần lúc 7 giờ tối", "bulletin", "19:00"),
        ("gom hết tin lại gửi một lần thôi", "bulletin", ""),
        # Searches: "tìm xem có tin gì về", "bài nào viết về"; help: syntax, slashes.
        ("tìm xem có bài nào về học bổng không", "search", "hoc bong"),
        ("có bài nào viết về trồng cà phê không", "search", "trong ca phe"),
        ("cú pháp đăng ký thế nào", "help", ""),
        ("dấu gạch chéo để làm gì", "help", ""),
        # Thanks: "chuẩn rồi", "nhận được rồi"; choices: "đăng ký hiện tại", "đang bật gì".
        ("chuẩn rồi loa ơi", "thanks", ""),
        ("nhận được tin rồi nhé", "thanks", ""),
        ("xem đăng ký hiện tại của tôi", "subscriptions", ""),
        ("cái gì đang bật cho bác thế", "subscriptions", ""),
        # A greeting, who writes, then a question for news: the news.
        ("chào loa, tôi mới đi chợ về, hôm nay có tin gì mới không", "latest", ""),
        # Stop: "bỏ loa", "dừng gửi tin nhắn … ngay".
        ("bỏ bot", "stop", ""),
        ("dừng gửi tin nhắn ngay", "stop", ""),
        # Everyday words typed with their marks are no names they are near once folded ("bóng
        # đá" / Sông Đà, "âm lịch" / Nặm Lịch, "nấu" / Na Ư); typos of names still are.
        ("tối qua bóng đá thế nào", "unknown", ""),
        ("hôm nay âm lịch ngày mấy", "unknown", ""),
        ("bà đang nấu cơm", "unknown", ""),
        ("tin Mường Phăn", "about", "c:Mường Phăng"),
        ("dang ky nau", "subscribe", "c:Sam Mứn"),
        # Gaps of holdout16 closed as families. Counts said as words or "gần nhất".
        ("3 tin gần nhất", "latest", "3"),
        ("cho bác xem hai tin mới nhất", "latest", "2"),
        ("cho bà tin mới", "latest", ""),  # "bà" is no "ba" (three)
        # About Loa: the official page, OTP, what it keeps of me, my address.
        ("đây có phải kênh chính thức của tỉnh không", "info", ""),
        ("bot có hỏi mã otp không", "info", ""),
        ("bạn giữ những gì của tôi", "info", ""),
        ("ủy ban tỉnh họp lúc 8 giờ", "unknown", ""),  # "ban tỉnh" holds no "bản tin"
        # Subscribing: "… thì báo cho tôi biết", "bật tin X"; start: "đăng ký nhận tin từ loa".
        ("có tin gì về Thanh Nưa thì báo cho tôi biết", "subscribe", "c:Thanh Nưa"),
        ("bật tin Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("đăng ký nhận tin từ bot", "start", ""),
        ("cho nhận tin tiếp đi, không dừng nữa", "start", ""),
        ("tôi muốn hủy dùng bot và xoá dữ liệu", "stop", ""),
        # Searches ending "tìm xem"; thanks in English or "c.ơn"; one's own choices; the list.
        ("có bài nào về lễ hội không, tìm xem", "search", "le hoi"),
        ("good", "thanks", ""),
        ("c.ơn", "thanks", ""),
        ("những chủ đề mà tôi theo dõi", "subscriptions", ""),
        ("xem xã", "communes", ""),
        # A request to the authorities ending "giúp" is no call for help.
        ("khi nào có điện lại, hỏi xã giúp", "unknown", ""),
        # Gaps of holdout17 closed as families.
        ("tin mới khắp nơi", "latest", "tatca"),
        ("trên trang có đăng gì mới không", "latest", ""),
        ("nhà tôi ở Thanh Nưa, xem tin ở đó thế nào", "about", "c:Thanh Nưa"),
        ("bạn có đem bán số điện thoại của tôi không", "info", ""),
        ("tôi đang nhắn tin với ai vậy", "info", ""),
        ("tìm thông tin về hoa ban", "search", "hoa ban"),  # "ban" (flower) is no "bán"
        ("muốn được báo khi có tin an ninh", "subscribe", "t:an-ninh"),
        ("tôi ở Thanh Nưa, đăng ký cho tôi tin ở đó", "subscribe", "c:Thanh Nưa"),
        ("tắt tin an ninh đi", "unsubscribe", "t:an-ninh"),
        ("đừng lọc theo xã nữa", "unsubscribe", "tatca"),
        ("tối nào cũng gửi bản tin lúc 8 giờ", "bulletin", "20:00"),
        ("không muốn nhận tin lúc ngủ từ 22h đến 5h", "quiet", "22:00-05:00"),
        ("bỏ tin tổng hợp đi", "bulletin", "off"),
        ("tìm theo từ khóa lúa nước", "search", "lua nuoc"),
        ("bot ơi", "greet", ""),
        ("rất mừng được gặp loa", "greet", ""),
        ("loa đang gửi cho bác tin những chủ đề nào", "subscriptions", ""),
        ("tôi có đang nhận hết tin không hay chỉ vài xã", "subscriptions", ""),
        ("các xã có thể chọn", "communes", ""),
        ("đơn vị xã phường mới", "communes", ""),
        ("loa làm tốt lắm", "thanks", ""),
        ("cho em nhận tin với, em mới tải zalo", "start", ""),
        ("xoá toàn bộ thông tin của tôi", "stop", ""),
        ("báo lên xã giúp với, cầu bị gãy", "unknown", ""),
        # Gaps of holdout18 closed as families.
        ("ba tin mới nhất", "latest", "3"),  # "ba" typed so is three; "bà" no count
        ("cho xem 5 bài mới, máy hết pin không đọc được", "latest", "5"),
        ("dùng loa có miễn phí không", "info", ""),
        ("tìm tin khám bệnh miễn phí", "search", "kham benh mien phi"),
        ("tôi quê Thanh Nưa, đăng ký nhận tin quê nhà", "subscribe", "c:Thanh Nưa"),
        ("bác ở Mường Phăng, muốn nghe tin xã mình thôi", "subscribe", "c:Mường Phăng"),
        ("không muốn nhận riêng xã nữa", "unsubscribe", "tatca"),
        ("xem tin toàn tỉnh, không riêng xã nào", "latest", "tatca"),
        ("đừng gửi tin vào giờ nghỉ trưa", "quiet", ""),
        ("gửi bản tin vào giờ nghỉ trưa lúc 11 giờ 30", "bulletin", "11:30"),
        ("bot này tiện thật, cả bản khen", "thanks", ""),
        ("đây là trang thật hay giả mạo", "info", ""),
        ("okla", "thanks", ""),
        ("hay qá", "thanks", ""),
        ("lô", "greet", ""),
        ("hú lô", "greet", ""),
        ("hê lô loa", "greet", ""),
        ("mình đang được gửi tin về đâu", "subscriptions", ""),
        ("gửi tin lại đi, hết bận rồi", "start", ""),
        ("tôi làm kiểm lâm ở Mường Phăng", "unknown", "c:Mường Phăng"),
        ("kiếm tin về chè shan tuyết", "search", "che shan tuyet"),
        # Gaps of holdout19 closed as families.
        ("có tin gì về xã Mường Nhé nhé", "about", "c:Mường Nhé"),
        ("co tin gi ve xa Muong Nhe ko", "about", "c:Mường Nhé"),
        ("bot có theo dõi vị trí của tôi không", "info", ""),
        ("Thanh Nưa có tin thì gửi cho bác nhé", "subscribe", "c:Thanh Nưa"),
        ("tìm tin vụ sạt lở", "search", "sat lo"),
        ("làm sao để đặt bản tin", "help", ""),
        ("cách tắt giờ yên tĩnh", "help", ""),
        ("đã đăng ký xã Thanh Nưa chưa nhỉ", "subscriptions", ""),
        ("xoá hết thông tin về em đi", "stop", ""),
        ("hê nhô loa", "greet", ""),
        ("muốn bắt đầu nhận tin tức chính quyền", "start", ""),
        ("tạm ngưng toàn bộ tin", "stop", ""),
        ("mỗi ngày một bản tin thôi", "bulletin", ""),
        # Gaps of holdout20 closed as families.
        ("mới có chuyện gì không loa", "latest", ""),
        ("bot có đọc được tin nhắn của tôi không", "info", ""),
        ("hủy cái đăng ký hôm trước", "unsubscribe", ""),
        ("từ 2h đến 4h chiều đừng gửi tin", "quiet", "14:00-16:00"),
        ("từ 10h đến 3h chiều đừng gửi tin", "quiet", "10:00-15:00"),
        ("tìm bài bảo hiểm xã hội", "search", "bao hiem xa hoi"),
        ("bấm vào đâu để xem", "help", ""),
        ("tôi có đang nhận tin an ninh không", "subscriptions", ""),
        ("xoá thông tin cá nhân của em", "stop", ""),
        ("nạp tiền điện thoại giúp tôi với", "unknown", ""),
        ("nhà bác ở bản Ten xã Mường Phăng", "unknown", "c:Mường Phăng"),
        ("đăng ký nhận tin của tỉnh", "start", ""),
        ("ngắt tin luôn", "stop", ""),
        ("tôi ở Thanh Nưa, muốn nhận tin xã mình từ giờ", "subscribe", "c:Thanh Nưa"),
        # Gaps of holdout21 closed as families.
        ("thông tin của tôi các bạn lưu những gì", "info", ""),
        ("xài bot này có tốn tiền cước không", "info", ""),
        ("báo tin Thanh Nưa cho tôi", "subscribe", "c:Thanh Nưa"),
        ("bác ở Thanh Nưa, đăng ký nhận tin ở đó", "subscribe", "c:Thanh Nưa"),
        ("có tin an ninh thì báo cho bác, bác là trưởng bản", "subscribe", "t:an-ninh"),
        ("tôi chuyển lên Điện Biên Phủ rồi, bỏ xã Thanh Nưa đi", "unsubscribe", "c:Thanh Nưa"),
        ("bỏ lựa chọn chủ đề, nhận chung như cũ", "unsubscribe", "tatca"),
        ("khỏi giờ yên tĩnh", "quiet", "off"),
        ("hướng dẫn cách đặt bản tin", "help", ""),
        ("good job bot", "thanks", ""),
        ("chào loa, hôm nay khỏe không", "greet", ""),
        ("xã nào đăng ký nhận tin được", "communes", ""),
        ("nhóm tin", "topics", ""),
        ("các mục tin của bot là gì", "topics", ""),
        ("mở bot lên", "start", ""),
        ("out", "stop", ""),
        ("ngừng gửi tất cả tin nhắn", "stop", ""),
        ("bỏ theo dõi kênh này", "stop", ""),
        # Gaps of holdout22 closed as families. Two or more keywords of one topic ask for its
        # news; one keyword alone is still a search; "tìm" is always a search.
        ("có tin gì về mưa lũ, sạt lở không", "about", "t:canh-bao"),
        ("tin trường học, y tế", "about", "t:xa-hoi"),
        ("có thông báo gì về lịch cắt điện không", "search", "lich cat dien"),
        ("tìm tin sạt lở mưa lũ", "search", "sat lo mua lu"),
        ("tin về lũ quét", "search", "lu quet"),
        # Where one lives, and nothing asked: the place's news offered, no answer about it.
        ("nhà tôi ở bản Phiêng Ban xã Mường Phăng", "unknown", "c:Mường Phăng"),
        ("tôi ở xã Thanh Nưa", "unknown", "c:Thanh Nưa"),
        ("tin xã Thanh Nưa", "about", "c:Thanh Nưa"),
        ("có tin gì của xã Thanh Nưa thì báo bác nhé, từ giờ luôn", "subscribe", "c:Thanh Nưa"),
        ("tin trên này lấy từ báo nào", "info", ""),
        ("muốn tìm bài thì gõ như nào", "help", ""),
        ("tìm tin thi tuyển công chức", "search", "thi tuyen cong chuc"),
        ("tôi có đặt giờ yên tĩnh chưa", "subscriptions", ""),
        ("sáp nhập rồi xã cũ của tôi vào xã nào", "communes", ""),
        ("tỉnh có bao nhiêu xã", "communes", ""),
        ("mình đăng ký bao nhiêu xã rồi", "subscriptions", ""),
        ("mình đang theo chủ đề nào", "subscriptions", ""),
        ("yo loa", "greet", ""),
        ("dừng hết tin lại", "stop", ""),
        # Gaps of holdout23 closed as families. Telex typed without an input method, in
        # command words and in searched words; English words stay as typed.
        ("dungwf gui tin", "stop", ""),
        ("batws ddaauf nhan tin", "start", ""),
        ("timf tin veef hox trowj nha o", "search", "ho tro nha o"),
        ("yes", "unknown", ""),
        ("tim kiem near", "search", "near"),
        # Bare hours after quiet words; a count of days is no window.
        ("giờ yên tĩnh 23-5", "quiet", "23:00-05:00"),
        ("yên tĩnh 2-3 ngày", "quiet", ""),
        # A daily summary refused; a "bản tin" asked for as news.
        ("không cần tổng hợp theo ngày nữa", "bulletin", "off"),
        ("gửi tổng hợp mỗi ngày lúc 6 giờ sáng", "bulletin", "06:00"),
        ("tối nay có bản tin gì không", "latest", ""),
        ("có bản tin gì hằng ngày không", "bulletin", ""),
        # What one follows, asked with "theo" or "để".
        ("mình đang theo những chủ đề nào", "subscriptions", ""),
        ("các xã tôi đã theo", "subscriptions", ""),
        ("tôi muốn theo những xã gần nhà", "communes", ""),
        # "tắt" alone or with "hết", said to someone; "hủy toàn bộ" as "hủy tất cả".
        ("tắt", "stop", ""),
        ("con ơi tắt hết cho mẹ", "stop", ""),
        ("hủy toàn bộ, xoá tôi khỏi danh sách", "stop", ""),
        ("hủy toàn bộ, nhận lại mọi tin", "unsubscribe", "tatca"),
        ("tất cả", "unknown", ""),
        # Receiving again asked with a call first, or "đi loa" after; a reason after it.
        ("bot ơi bật lại giúp tôi", "start", ""),
        ("gửi tin lại đi bot", "start", ""),
        ("bật lại cho cháu, lâu rồi không thấy tin", "start", ""),
        ("tìm tin hệ thống loa", "search", "he thong loa"),
        # "X dạo này ra sao / thế nào hả": X's news ("ra sao" is no "sao" asking why).
        ("Mường Phăng dạo này ra sao", "about", "c:Mường Phăng"),
        ("xã Thanh Nưa dạo này thế nào hả", "about", "c:Thanh Nưa"),
        ("sao không nhận được tin Thanh Nưa", "unknown", "c:Thanh Nưa"),
        # Two keywords of one topic after "đọc tin", "xem tin".
        ("cho tôi đọc tin lũ quét sạt lở", "about", "t:canh-bao"),
        ("chú muốn xem tin trường học y tế", "about", "t:xa-hoi"),
        # Sent from now on: "gửi tôi tin X", "có tin gì … thì gửi"; asked now with "không".
        ("gửi tôi tin Thanh Nưa nhé", "subscribe", "c:Thanh Nưa"),
        ("nhà em ở Pom Lót, có tin gì ở đó thì gửi em", "subscribe", "c:Sam Mứn"),
        ("Thanh Nưa có tin gì mới không thì gửi bác xem", "about", "c:Thanh Nưa"),
        ("gửi tôi tin mới nhất", "latest", ""),
        # "chị, em là …" introduces; "chỉ em" asks to be shown.
        ("chào chị, em là giáo viên", "greet", ""),
        ("chỉ em cách dùng với", "help", ""),
        # The authorities' notices in general; a notice about something is searched.
        ("có thông báo gì mới của xã không", "latest", ""),
        ("có thông báo gì về lịch tiêm phòng không", "search", "lich tiem phong"),
        # Gaps of holdout24 closed as families. "bản tin" before a name is its news.
        ("bản tin phường Thanh Nưa", "about", "c:Thanh Nưa"),
        ("bản tin 6h sáng", "bulletin", "06:00"),
        # "… về xã em" after saying where one lives: that place.
        ("bác ở Pom Lót, có tin gì về xã bác không", "about", "c:Sam Mứn"),
        # Questions about one's data are about Loa.
        ("thông tin cá nhân của bác có được bảo mật không", "info", ""),
        ("dữ liệu của mình lưu ở đâu vậy", "info", ""),
        # "gửi thêm tin X"; a subscription that names no choice asks which.
        ("gửi thêm tin an ninh cho bác", "subscribe", "t:an-ninh"),
        ("muốn đăng ký thêm một xã nữa", "subscribe", ""),
        ("hướng dẫn đăng ký theo xã", "help", ""),
        ("đăng ký thêm xã Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        # Every choice dropped back to the default; "bỏ giúp bác tin X".
        ("bỏ mấy cái đã đăng ký đi, nhận tất cả như cũ", "unsubscribe", "tatca"),
        ("con xoá giúp mẹ tin Pom Lót nhé", "unsubscribe", "c:Sam Mứn"),
        ("con bo di lac o Muong Phang", "unknown", "c:Mường Phăng"),
        # The daily bulletin refused ("không nhận … nữa"), not a complaint.
        ("không nhận bản tin tổng hợp nữa", "bulletin", "off"),
        ("tôi không nhận được bản tin", "bulletin", ""),
        # "sao để …" asks how.
        ("sao để đăng ký xã", "help", ""),
        ("sao để con lợn khỏi ốm", "unknown", ""),
        # Who writes, alone, greets; not where one is from, nor a question to Loa.
        ("em là Lò Thị Hoa, giáo viên mầm non", "greet", ""),
        ("tôi là người Thái", "unknown", ""),
        ("nice to meet you bot", "greet", ""),
        ("got it", "thanks", ""),
        # One's own settings asked, their time too: /cuatoi shows them.
        ("tôi có đặt giờ im lặng chưa", "subscriptions", ""),
        ("mình đang đặt bản tin lúc mấy giờ", "subscriptions", ""),
        ("giờ yên tĩnh của bác là mấy giờ", "subscriptions", ""),
        ("đang ở chế độ nào vậy", "subscriptions", ""),
        ("bản tin lúc mấy giờ thì được", "bulletin", ""),
        # "gửi tin cho bác lại" with a call and a reason; "cắt hết tin nhắn".
        ("cháu ơi gửi tin cho bà lại nhé, bà nhớ tin quá", "start", ""),
        ("cắt hết tin nhắn đi", "stop", ""),
        # Gaps of holdout25 closed as families. Two keywords of one topic asked "có … không",
        # "… có tin gì", subscribed "gửi tôi tin …", "có tin … thì báo".
        ("có sạt lở, lũ quét không", "about", "t:canh-bao"),
        ("ma tuý, trộm cắp có tin gì không", "about", "t:an-ninh"),
        ("gửi tôi tin trường học, y tế nhé", "subscribe", "t:xa-hoi"),
        ("có tin rét đậm, rét hại thì báo bác", "subscribe", "t:canh-bao"),
        ("có lũ quét không", "unknown", ""),
        # "bám tin X"; "X có gì mới thì nhắn"; a word typed with marks is no command typo.
        ("bám tin Thanh Nưa nhé", "subscribe", "c:Thanh Nưa"),
        ("Thanh Nưa có gì mới thì nhắn bác", "subscribe", "c:Thanh Nưa"),
        ("đăg ký Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        # The summary refused without "bản tin"; the pause undone; a stop for a while.
        ("tắt tổng hợp, có tin gửi luôn", "bulletin", "off"),
        ("huỷ tạm dừng", "start", ""),
        ("resume", "start", ""),
        ("nghỉ nhận tin vài tuần", "stop", ""),
        # How to set quiet hours; questions about what Loa knows of one and who checks it.
        ("sao để đặt giờ yên lặng", "help", ""),
        ("sao loa biết tên tôi", "info", ""),
        ("ai duyệt tin trên bot này", "info", ""),
        # Dropping a kind of choice names none; "hết xăng" is no "hết xã".
        ("bỏ theo dõi xã", "unsubscribe", ""),
        ("xe hết xăng giữa đường", "unknown", ""),
        # Gaps of holdout26 closed as families. "hiện (hết) tin"; a call, then "xem tin X".
        ("hiện tin mới đi", "latest", ""),
        ("bot ơi cho xem tin Thanh Nưa, quê bác ở đó", "about", "c:Thanh Nưa"),
        # What one's data is kept for; a newspaper's name is no place asked about.
        ("tên với số của tôi loa lưu để làm gì", "info", ""),
        ("tin lấy từ báo Điện Biên Phủ à, hay từ đâu", "info", ""),
        # "gửi cho tôi mọi tin về X"; "X không cần gửi nữa"; dropping one not named.
        ("gửi cho bác tất cả tin về an ninh", "subscribe", "t:an-ninh"),
        ("tin xã Thanh Nưa không cần gửi nữa", "unsubscribe", "c:Thanh Nưa"),
        ("bỏ xã tôi đã đăng ký", "unsubscribe", ""),
        ("muốn đăng ký 1 chủ đề", "subscribe", ""),
        # The gathering refused; quiet hours as "khoảng giờ không nhận"; how to get it.
        ("thôi không gộp tin nữa", "bulletin", "off"),
        ("đặt khung giờ mà loa không gửi tin", "quiet", ""),
        ("gõ gì để nhận bản tin buổi tối", "help", ""),
        # One's bulletin time asked three more ways.
        ("bản tin của bác đặt lúc mấy giờ", "subscriptions", ""),
        ("mấy giờ thì gửi bản tin cho em", "subscriptions", ""),
        ("giờ nhận bản tin của tôi", "subscriptions", ""),
        # Which communes Loa follows; "gỡ tôi ra khỏi bot"; a stop after why.
        ("loa xem được những xã nào", "communes", ""),
        ("gỡ em ra khỏi danh sách", "stop", ""),
        ("phiền quá, dừng hết đi", "stop", ""),
        ("tin Thanh Nưa nhiều quá, dừng hết", "about", "c:Thanh Nưa"),
        # Gaps of holdout27 closed as families. Every article, not one's choices.
        ("cho xem tin của cả tỉnh, không riêng xã đã chọn", "latest", "tatca"),
        # "cho bà xem tin bản mình ở xã X"; two keywords then "cho xem tin".
        ("cho bác xem tin quê mình ở Thanh Nưa với", "about", "c:Thanh Nưa"),
        ("dạo này có rét đậm rét hại không, cho xem tin", "about", "t:canh-bao"),
        # Who runs Loa named by a topic's word; what it keeps and remembers; is it true.
        ("loa này có phải của đảng ủy không", "info", ""),
        ("dữ liệu của tui loa cất ở đâu", "info", ""),
        ("làm sao biết tin của bot là thật", "info", ""),
        ("bot có lưu những gì mình nhắn không", "info", ""),
        # "nhận mục X"; a choice added or dropped, none named; "… đăng ký giúp em tin xã đó".
        ("cho bác nhận chuyên mục an ninh", "subscribe", "t:an-ninh"),
        ("chọn thêm một xã cho tôi", "subscribe", ""),
        ("chọn xã thì có những xã nào", "communes", ""),
        ("bỏ bớt xã đi", "unsubscribe", ""),
        ("nhà em ở Pom Lót, đăng ký giúp em tin xã đó", "subscribe", "c:Sam Mứn"),
        ("Thanh Nưa có tin gì cứ gửi bác", "subscribe", "c:Thanh Nưa"),
        ("tin Thanh Nưa thì thôi khỏi gửi", "unsubscribe", "c:Thanh Nưa"),
        # A part of the day before "từ"; the time limit lifted.
        ("tối từ 9h đến sáng 5h đừng gửi", "quiet", "21:00-05:00"),
        ("bỏ giới hạn giờ đi", "quiet", "off"),
        # How to do something is help, a name or "của tôi" after it too.
        ("có cách nào để chỉ nhận tin xã Thanh Nưa không", "help", ""),
        ("làm sao để xem mình đang đăng ký gì", "help", ""),
        ("làm sao để không nhận tin buổi trưa", "help", ""),
        ("muốn xem tin xã mình thì bấm gì", "help", ""),
        ("con bò nhà tôi bị ốm thì làm sao", "unknown", ""),
        # One's settings: receiving the bulletin, when it is set, whether news is off.
        ("tôi có đang nhận bản tin tổng hợp không", "subscriptions", ""),
        ("mình đặt bản tin lúc mấy giờ nhỉ", "subscriptions", ""),
        ("tôi có đang tắt tin không", "subscriptions", ""),
        # The pause over; "đừng làm phiền … nữa"; a pause asked, then why.
        ("hết tạm dừng rồi, gửi tiếp đi", "start", ""),
        ("đừng làm phiền bác nữa", "stop", ""),
        ("tạm dừng gửi tin giúp tôi, tôi đi vắng", "stop", ""),
        # A greeting, then who writes and where they work: a greeting; asking for news is not.
        ("chào loa, chị bán rau ở chợ Thanh Nưa", "greet", ""),
        ("chào bot, anh lái xe khách tuyến Tuần Giáo - Mường Lay", "greet", ""),
        ("chào loa, tôi ở Thanh Nưa, cho tôi tin xã nhé", "about", "c:Thanh Nưa"),
        ("chào loa, tôi ở Thanh Nưa muốn nhận tin", "subscribe", "c:Thanh Nưa"),
        # Gaps of holdout28 closed as families. A formal request ("Đề nghị …") is a request.
        ("Đề nghị cho xem tin tức của xã Thanh Nưa.", "about", "c:Thanh Nưa"),
        ("Đề nghị khôi phục việc gửi tin cho tôi.", "start", ""),
        ("Kính đề nghị chấm dứt việc gửi tin đến số điện thoại của tôi.", "stop", ""),
        ("Yêu cầu cho xem toàn bộ tin của tất cả các xã.", "latest", "tatca"),
        # Topics asked "tin X Y thế nào", or their keywords said alone.
        ("tin rét đậm rét hại dạo này thế nào", "about", "t:canh-bao"),
        ("lũ quét, sạt lở tuần này", "about", "t:canh-bao"),
        # One's phone number exposed (info); "X có tin gì báo em"; "nhận thêm chủ đề X".
        ("số điện thoại của bác có bị lộ không", "info", ""),
        ("Thanh Nưa có tin gì báo bác với", "subscribe", "c:Thanh Nưa"),
        ("xã Thanh Nưa có tin là gửi ngay cho tôi", "subscribe", "c:Thanh Nưa"),
        ("nhận thêm chủ đề an ninh", "subscribe", "t:an-ninh"),
        # The chosen communes dropped back to the default; one dropped, not yet which.
        ("hủy các xã đã chọn, về mặc định", "unsubscribe", "tatca"),
        ("muốn bỏ 1 chủ đề đã đăng ký mà chưa nhớ chủ đề nào", "unsubscribe", ""),
        ("thôi bỏ tin an ninh đi", "unsubscribe", "t:an-ninh"),
        # Scheduled sending refused; "giờ tĩnh" dropped ("giờ tỉnh" is the province now).
        ("huỷ gửi tin theo giờ", "bulletin", "off"),
        ("xoá giờ tĩnh", "quiet", "off"),
        ("bây giờ tỉnh có những xã nào", "communes", ""),
        # A morning start before a morning end is the evening before.
        ("đêm yên tĩnh 11h-5h", "quiet", "23:00-05:00"),
        # How to get the bulletin, the bot's features, "thì làm thế nào": help.
        ("làm sao để nhận bản tin buổi sáng", "help", ""),
        ("tính năng của loa là gì", "help", ""),
        ("muốn chỉ nhận tin xã Thanh Nưa thì làm thế nào", "help", ""),
        # One's settings: "mấy h", "đã đặt chưa"; sending again after a mistaken stop.
        ("bản tin của em đặt lúc mấy h", "subscriptions", ""),
        ("giờ yên tĩnh đã đặt chưa nhỉ", "subscriptions", ""),
        ("hôm trước lỡ dừng, gửi tin tiếp cho bác", "start", ""),
        # Gaps of holdout29 closed as families. "mọi nơi" is no "mới, nói"; "tất cả tin …".
        ("tin gì mới, nói nhanh lên", "latest", ""),
        ("tất cả tin của các xã", "latest", "tatca"),
        # A request passed on ("bà cháu bảo …"); a topic "thuộc lĩnh vực" its name.
        ("ông cháu bảo xem tin Pom Lót", "about", "c:Sam Mứn"),
        ("mẹ em dặn đăng ký tin xã Thanh Nưa", "subscribe", "c:Thanh Nưa"),
        ("cho xem các tin thuộc lĩnh vực an ninh", "about", "t:an-ninh"),
        ("nhận thêm tin y tế, trường học", "subscribe", "t:xa-hoi"),
        # How, said "sao để" or "làm sao bỏ …"; "cách tra cứu".
        ("sao để xem mình đăng ký gì", "help", ""),
        ("làm sao bỏ một xã", "help", ""),
        ("chỉ cách tra cứu tin cũ", "help", ""),
        # One's settings: "my settings", "có đang theo dõi X không", the mode on.
        ("my settings", "subscriptions", ""),
        ("tôi có đang theo dõi Thanh Nưa không", "subscriptions", ""),
        ("đang bật chế độ im lặng không nhỉ", "subscriptions", ""),
        ("tôi đã chọn nhận tin của những xã nào", "subscriptions", ""),
        # The list of communes asked as a list; how to see it is help.
        ("cần danh sách các xã để hướng dẫn bà con", "communes", ""),
        ("gõ gì để xem danh sách xã", "help", ""),
        ("danh sách xã tôi đã đăng ký", "subscriptions", ""),
        # A stop sent "đến tài khoản này"; "pause hết"; sending again "bình thường", why after.
        ("Đề nghị dừng gửi toàn bộ tin nhắn đến số này.", "stop", ""),
        ("pause hết", "stop", ""),
        ("gửi tin lại bình thường cho bác, hết ốm rồi", "start", ""),
        # An evening hold and a morning restart said apart.
        ("sau 11h đêm đừng gửi, 5h sáng hẵng gửi", "quiet", "23:00-05:00"),
        ("gửi bản tin lúc 8h tối", "bulletin", "20:00"),
        # Gaps of holdout30 closed as families. A letter's framing ("Kính gửi Loa, …
        # Trân trọng") is no part of the request.
        (
            "Kính gửi Loa, xin tìm giúp các bài về di tích Mường Phăng. Trân trọng.",
            "search",
            "di tich muong phang",
        ),
        ("Kính gửi ban quản trị, tôi xin thôi nhận tin từ nay. Trân trọng.", "stop", ""),
        ("Kính gửi Loa, xin cho xem tin xã Thanh Nưa. Kính thư", "about", "c:Thanh Nưa"),
        # Words typed run together are split into the words Loa knows.
        ("tinanninh", "about", "t:an-ninh"),
        ("dangkytin Thanh Nua nhe", "subscribe", "c:Thanh Nưa"),
        ("batlaitin di", "start", ""),
        ("festival", "unknown", ""),
        # Lao greetings and thanks near the border; a greeting with where one works greets.
        ("sabaidee bot", "greet", ""),
        ("khop chai loa", "thanks", ""),
        ("chào loa, tôi bán tạp hoá ở Thanh Nưa", "greet", ""),
        ("xin chào, tôi là hướng dẫn viên du lịch", "greet", ""),
        # "tóm tắt" is no "tắt"; "dnd … to …"; how, with the bot named, or "thì cài sao".
        ("muốn nhận bản tin tóm tắt mỗi ngày", "bulletin", ""),
        ("dnd 23h to 5h", "quiet", "23:00-05:00"),
        ("lam sao de loa ko nhan tin ban dem", "help", ""),
        ("làm sao bỏ hết các xã đã chọn", "help", ""),
        # One's settings asked "mấy giờ tôi nhận …", "đặt … lúc nào".
        ("mấy giờ tôi nhận bản tin", "subscriptions", ""),
        ("tôi đặt giờ yên tĩnh lúc nào nhỉ", "subscriptions", ""),
        # Loa reading in secret, its licence; a stop or a start said to "Loa" first.
        ("bot có đọc trộm tin nhắn không", "info", ""),
        ("loa có giấy phép không", "info", ""),
        ("Loa dừng gửi tất cả cho bác nhé, máy đầy rồi", "stop", ""),
        ("hết bận rồi, loa bật lại tin cho chị", "start", ""),
        ("thôi nhận lại tin đi, tạm dừng lâu rồi", "start", ""),
        # Keywords of a topic then "thì báo"; "có tin gì gửi tôi" (not "… gửi tôi xem").
        ("có rét đậm, rét hại thì báo tôi", "subscribe", "t:canh-bao"),
        ("Thanh Nưa có tin gì gửi tôi nhé", "subscribe", "c:Thanh Nưa"),
        ("Thanh Nưa có tin gì gửi tôi xem với", "about", "c:Thanh Nưa"),
        # One dropped, its name forgotten; every choice dropped "bỏ hết các xã và mục".
        ("bỏ theo dõi một xã mà quên tên rồi", "unsubscribe", ""),
        ("bỏ hết các xã và mục tôi đã chọn", "unsubscribe", "tatca"),
        # Gaps of holdout31 closed as families. Is it paid ("có phải trả phí"), does it read
        # one's messages.
        ("dùng bot này có phải trả tiền không", "info", ""),
        ("loa có đọc được tin nhắn của tôi không", "info", ""),
        # "bỏ lọc theo xã": every article again; "đêm đừng gửi nữa" asks quiet hours.
        ("bỏ lọc theo chủ đề đi", "unsubscribe", "tatca"),
        ("đêm đừng gửi nữa", "quiet", ""),
        ("đừng gửi nữa", "stop", ""),
        # "tìm hộ a …"; how, with a time of day between ("làm sao để ban đêm không nhận").
        ("tìm hộ c tin về giá lúa", "search", "gia lua"),
        ("làm sao để buổi trưa không nhận tin", "help", ""),
        ("muốn nhận tin xã Thanh Nưa thì nhắn thế nào", "help", ""),
        # Who writes, "… đây"; one's settings with two words between; which communes Loa
        # follows.
        ("chào cả nhà, tôi trưởng bản Phiêng Ban đây", "greet", ""),
        ("bản tin buổi sáng của tôi đặt lúc mấy giờ", "subscriptions", ""),
        ("bot theo dõi những xã nào", "communes", ""),
        # The pause lifted; a stop for someone, "tất cả mọi thứ"; "dùng loa" is use.
        ("bỏ tạm dừng đi", "start", ""),
        ("cho chị nghỉ nhận tin", "stop", ""),
        ("dừng gửi tất cả mọi thứ", "stop", ""),
        ("cho bà dùng loa với", "start", ""),
        ("không dùng loa nữa", "stop", ""),
        # Complaints about the news itself ask nothing.
        ("tin tức chậm quá", "unknown", ""),
        ("toàn tin cũ, chán", "unknown", ""),
        ("tin nhắn dài quá, đọc mệt", "unknown", ""),
        # Gaps of holdout32 and holdout33 closed as families. English residents borrow, as
        # phrases ("me" alone is "mẹ"), and 12-hour times.
        ("daily digest 8am pls", "bulletin", "08:00"),
        ("bản tin lúc 7:30pm", "bulletin", "19:30"),
        ("tắt digest", "bulletin", "off"),
        ("do not disturb 22-6", "quiet", "22:00-06:00"),
        ("do not disturb from 10pm to 6am", "quiet", "22:00-06:00"),
        ("how to use this bot", "help", ""),
        ("how do I subscribe", "help", ""),
        ("delete me", "stop", ""),
        ("remove me pls", "stop", ""),
        ("latest news pls", "latest", ""),
        ("are you a real person", "info", ""),
        ("mẹ ốm", "unknown", ""),
        # Every commune's news asked with "gửi/đọc hết tin"; "all" borrowed.
        ("gửi tất cả tin của mọi xã cho tôi xem", "latest", "tatca"),
        ("muon doc het tin cac xa trong tinh", "latest", "tatca"),
        ("cho mk xem tin của all xã lun", "latest", "tatca"),
        # Its name, a machine or not; a word said longer or its last letter doubled; telex.
        ("ban ten gi", "info", ""),
        ("bot tên là gì vậy", "info", ""),
        ("minh dang noi chuyen voi robot a", "info", ""),
        ("loaaa laf gif vaayj", "info", ""),
        ("tên xã mình là gì", "communes", ""),
        ("tìmm tin dịch cúm gà", "search", "dich cum ga"),
        # An incident alone is searched ("vụ mùa" is a season); "có vụ/chuyện gì về X".
        ("vụ lừa đảo qua điện thoại", "search", "lua dao qua dien thoai"),
        ("vụ tai nạn giao thông", "search", "tai nan giao thong"),
        ("vụ mùa năm nay", "unknown", ""),
        ("vụ tai nạn hôm qua thế nào", "unknown", ""),
        ("có vụ gì về cháy nhà không", "search", "chay nha"),
        # "tin nóng" is the latest news; "X có gì hot" asks for X's news.
        ("tin nóng", "latest", ""),
        ("Tủa Chùa có gì hot k", "about", "c:Tủa Chùa"),
        # How: "nút nào để …", "bấm vào đâu để …", "gõ … là được hả" ("chợ nào để" is no how).
        ("nút nào để đăng ký vậy", "help", ""),
        ("bấm vào đâu để xem danh sách xã", "help", ""),
        ("gõ tên xã là được hả", "help", ""),
        ("chợ nào để mua gà", "unknown", ""),
        ("con bo nha toi bi om lam the nao", "unknown", ""),
        # One's settings and choices asked: "có nhận bản tin hằng ngày không", "mấy giờ bản tin
        # gửi cho chị", "đã theo dõi X chưa", "đang follow những gì".
        ("tôi có nhận bản tin hằng ngày không nhỉ", "subscriptions", ""),
        ("mấy giờ bản tin gửi cho chị nhỉ", "subscriptions", ""),
        ("tôi đã theo dõi Noong Hẹt chưa nhỉ", "subscriptions", ""),
        ("mk đang follow nhg j", "subscriptions", ""),
        ("tôi muốn nhận bản tin hằng ngày", "bulletin", ""),
        ("đăng ký theo dõi", "subscribe", ""),
        # A stop: "bỏ tôi ra", a pause with why ("mấy hôm em bận").
        ("bỏ tôi ra", "stop", ""),
        ("dừng lại đi mấy hôm em bận", "stop", ""),
        ("tạm dừng vì đi làm xa", "stop", ""),
        ("thôi khỏi lọc nữa", "unsubscribe", "tatca"),
        # Quiet hours with the hour's unit said once ("12-13h", "22-6h"); "cần mang gì" (bring)
        # is no "mảng gì" (which section); "đảng ủy" is no "đăng ký".
        ("gio nghi trua 12-13h dung gui", "quiet", "12:00-13:00"),
        ("yên tĩnh 22-6h", "quiet", "22:00-06:00"),
        ("đi khám ở bệnh viện tỉnh cần mang gì", "unknown", ""),
        ("có những mảng gì", "topics", ""),
        ("tin dang uy nghi quyet hdnd", "about", "t:chinh-tri"),
        # Gaps of holdout34 and holdout35 closed as families. A subject read about is searched
        # ("xem bài …", "xem tin …", "xem về …", "tin …"); news, time and all stay news.
        ("xem bài giải bóng đá", "search", "giai bong da"),
        ("cho tôi xem tin tiêm phòng vắc xin", "search", "tiem phong vac xin"),
        ("xem về dịch tả lợn châu phi", "search", "dich ta lon chau phi"),
        ("tin homestay", "search", "homestay"),
        ("tin vừa đăng", "latest", ""),
        ("xem tin hôm qua", "latest", ""),
        ("cho xem tin tuc", "latest", ""),
        ("xem tin xã Mường Phăng", "about", "c:Mường Phăng"),
        ("tim kiem ho ngheo", "search", "ho ngheo"),
        # Where the news comes from, what it costs, what it is for, a chatbot.
        ("tin nay o bao dien bien lay ve a", "info", ""),
        ("co can nap the gi ko", "info", ""),
        ("loa lm ra de lm j v", "info", ""),
        ("Ban la chatbot AI à", "info", ""),
        # "X có gì gửi em nhé" subscribes; the state of a place asked; one's own village.
        ("nam khan co gi gui e nhe", "subscribe", "c:Chà Tở"),
        ("Đề nghị cung cấp thông tin về tình hình xã Quài Cang", "about", "c:Tuần Giáo"),
        ("bà ở Nà Nhạn có tin gì về bản bà không cháu", "about", "c:Mường Phăng"),
        ("news o Muong Ang hom nay ntn", "about", "c:Mường Ảng"),
        # How: "cách xem …", "hướng dẫn quy trình …", words run together typed with marks.
        ("cách xem lại các xã mình đã chọn", "help", ""),
        ("Đề nghị hướng dẫn quy trình đăng ký nhận tin theo xã", "help", ""),
        ("lamsaođểđổixã", "help", ""),
        # Receiving with nothing chosen yet starts; "tiếp tục nhận"; a pause with why first.
        ("cho t nhận tin nhé, chưa chọn xã nào", "start", ""),
        ("tôi muốn đăng ký nhận tin một xã nhưng chưa biết chọn xã nào", "subscribe", ""),
        ("tiep tuc nhan", "start", ""),
        ("em đi vắng mấy hôm tạm dừng nhé", "stop", ""),
        ("pause tin 2 hôm nhé, mình đi tour", "stop", ""),
        ("nghỉ", "stop", ""),
        ("tôi nghĩ vậy", "unknown", ""),
        ("im di", "stop", ""),
        ("remove xa Muong Ang", "unsubscribe", "c:Mường Ảng"),
        # Every commune's news "nghe"; "bảng xã"; one's settings and choices; love, hello.
        ("bà muốn nghe tin hết các xã luôn", "latest", "tatca"),
        ("bảng xã", "communes", ""),
        ("toi co dat khong lam phien chua", "subscriptions", ""),
        ("xa minh chon", "subscriptions", ""),
        ("iu loa 3000 🥰🥰", "thanks", ""),
        ("hluuu loa 🤗", "greet", ""),
        # Gaps of holdout36/37: "muốn dừng nhận tin" stops (its "dừng" is no "dùng"), "tạm
        # nghỉ nhận tin" too; "nay muốn nhận lại" after a pause starts; "khỏi gửi tin X".
        ("tôi muốn dừng nhận tin", "stop", ""),
        ("tôi muốn dùng loa để nhận tin", "start", ""),
        ("anh tạm nghỉ nhận tin mấy hôm nhé", "stop", ""),
        ("Tôi đã nghỉ nhận tin một thời gian, nay muốn nhận lại.", "start", ""),
        ("khỏi gửi tin Pom Lót nữa", "unsubscribe", "c:Sam Mứn"),
        # 12-hour times wherever times are read; more English; "cách thêm …" asks how; an
        # incident read about; "qua" is "via" ("lừa đảo qua zalo"), "quá" after a complaint.
        ("digest 6am", "bulletin", "06:00"),
        ("what did i subscribe to", "subscriptions", ""),
        ("Cho hỏi cách thêm xã thứ hai vào danh sách theo dõi", "help", ""),
        ("tin vụ cháy nhà", "search", "chay nha"),
        ("xem vụ lừa đảo qua zalo", "search", "lua dao qua zalo"),
        ("tin gửi muộn quá bực mình", "unknown", ""),
        ("đây có phải trang của báo Điện Biên Phủ không", "info", ""),
        # Minutes said after "giờ" are no hour: "từ 12 giờ 00 đến 13 giờ 30".
        ("không gửi tin từ 12 giờ 00 đến 13 giờ 30", "quiet", "12:00-13:30"),
    ],
)
def test_intents(parser: IntentParser, text: str, intent: str, args: str) -> None:
    assert canonical(parser.parse(text)) == (intent, args)


def test_arguments_keep_what_was_typed(parser: IntentParser) -> None:
    assert parser.parse("tìm tin về cà phê nhé").args == "cà phê"
    assert parser.parse('tim kiem "bão" NEAR *').args == '"bão" NEAR *'
    found = parser.parse("đăng ký xã Mường Phăng")
    assert found.args == "xã Mường Phăng" and found.choice is not None


def test_a_larger_typo_is_asked_back(parser: IntentParser) -> None:
    found = parser.parse("dnag kyy")
    assert found.name == intents.UNKNOWN
    assert found.guess is not None and found.guess.name == intents.SUBSCRIBE


@pytest.mark.parametrize("text", ["can tin gi", "tin moi", "bao tin", "dung xe"])
def test_everyday_words_are_no_command_typos(parser: IntentParser, text: str) -> None:
    """Only words the parser does not know are corrected, and never in their first letter."""
    found = parser.parse(text)
    assert found.guess is None and found.name not in ("bulletin", "search")


def test_a_name_near_several_is_asked_back_not_dropped(parser: IntentParser) -> None:
    """“Na Tang” is a letter off Na Sang and a topic: no choice, the words kept, and the
    command's resolution offers the near names ("Có phải …?")."""
    found = parser.parse("tin xã Na Tang")
    assert (found.name, found.args, found.choice) == (intents.ABOUT, "xã Na Tang", None)


def test_a_very_long_message_is_read_quickly_enough_to_answer(parser: IntentParser) -> None:
    found = parser.parse("Loa ơi cho hỏi " * 400)
    assert found.name in (intents.UNKNOWN, intents.HELP)


@pytest.mark.parametrize(
    "name",
    [
        "intents_eval.jsonl",
        "intents_holdout.jsonl",
        "intents_holdout2.jsonl",
        "intents_holdout3.jsonl",
        "intents_holdout4.jsonl",
        "intents_holdout5.jsonl",
        "intents_holdout6.jsonl",
        "intents_holdout7.jsonl",
        "intents_holdout8.jsonl",
        "intents_holdout9.jsonl",
        "intents_holdout10.jsonl",
    ],
)
def test_labelled_sets(parser: IntentParser, name: str) -> None:
    """Every labelled message, read as the app reads it ("/" commands first): the goal of
    issue 22 (0.95 overall, 0.90 per intent) on each set; the figures come from
    bench/intents_bench.py."""
    cases = parse_cases((FIXTURES / name).read_text(encoding="utf-8").splitlines())
    assert len(cases) >= 60
    report = evaluate(lambda text: meaning(text, parser), cases)
    assert report.overall >= 0.95, [(m.case.text, m.found) for m in report.misses]
    assert not report.below(0.90)


def test_unknown_is_scored_on_its_intent_alone(parser: IntentParser) -> None:
    """An unknown's argument is a suggestion offered as a button, labelled both ways by the
    writers; every other intent is scored on its argument too."""
    cases = [
        Case("cho hỏi đường đi Sín Thầu bao xa", "unknown", ""),
        Case("cho hỏi đường đi Sín Thầu bao xa", "unknown", "c:Sín Thầu"),
        Case("tin xã Sín Thầu", "about", "c:Mường Nhé"),  # a wrong label, to be missed
    ]
    report = evaluate(parser.parse, cases)
    assert canonical(parser.parse(cases[0].text)) == ("unknown", "c:Sín Thầu")
    assert report.scores["unknown"].right == 2
    assert [miss.case for miss in report.misses] == [cases[2]]


def test_the_labelled_set_is_large_and_covers_every_intent() -> None:
    cases = [
        case
        for name in ("intents_eval.jsonl", "intents_holdout.jsonl")
        for case in parse_cases((FIXTURES / name).read_text(encoding="utf-8").splitlines())
    ]
    assert len(cases) >= 300 and len({c.text for c in cases}) == len(cases)
    wanted = {"latest", "about", "subscribe", "unsubscribe", "bulletin", "quiet", "search"}
    assert wanted | {"help", "thanks", "greet", "stop"} <= {c.intent for c in cases}


def test_several_names_listed(parser: IntentParser) -> None:
    found = parser.parse("đăng ký xã Mường Phăng và Thanh Nưa, Sam Mứn")
    assert canonical(found) == ("subscribe", "c:Mường Phăng")
    assert [canonical(more) for more in found.more] == [
        ("subscribe", "c:Thanh Nưa"),
        ("subscribe", "c:Sam Mứn"),
    ]
    assert parser.parse("đăng ký Mường Phăng để xem tin Thanh Nưa").more == ()


def test_giving_the_same_topic_twice_subscribes_once(parser: IntentParser) -> None:
    found = parser.parse("nhận tin giáo dục, y tế")  # both are "Văn hóa – Xã hội"
    assert canonical(found) == ("subscribe", "t:xa-hoi") and found.more == ()


@pytest.mark.parametrize(
    ("text", "intent", "args"),
    [
        ("/start", "start", ""),
        ("/batdau", "start", ""),
        # A command's argument as its handler reads it: /dangky, /huydangky resolve names.
        ("/dangky Mường Phăng", "subscribe", "c:Mường Phăng"),
        ("/huydangky Pom Lót", "unsubscribe", "c:Sam Mứn"),  # an old name: its unit
        ("/dangky Muong", "subscribe", "muong"),  # several: the handler asks which
        ("/huydangky tat ca", "unsubscribe", "tatca"),
        ("/tinmoi tatca", "latest", "tatca"),
        ("/khongco", "unknown", ""),
        ("dừng", "stop", ""),
        ("stop", "stop", ""),  # not routed: the parser reads it
        ("dsxa", "communes", ""),  # a command word the parser leaves to the command table
        ("unsubscribe Muong Nhe", "unsubscribe", "c:Mường Nhé"),  # read as its handler does
        ("có tin gì mới không", "latest", ""),
        # Times as /bantin and /yentinh read them ("21h" is 21:00); what they cannot read
        # stays as typed (the handler says so).
        ("/digest 21h", "bulletin", "21:00"),
        ("/bantin 7 giờ tối", "bulletin", "19:00"),
        ("/yentinh 22h-6h", "quiet", "22:00-06:00"),
        ("/bantin tat", "bulletin", "off"),
        ("/yentinh abc", "quiet", "abc"),
    ],
)
def test_messages_are_read_as_the_app_reads_them(
    parser: IntentParser, text: str, intent: str, args: str
) -> None:
    """``bot.wording.meaning``: "/" commands go to the command table before the parser."""
    assert canonical(meaning(text, parser)) == (intent, args)
