"""The TCVN ISO 9001:2015 clause tree (clauses 4–10 and their sub-clauses) and the product's own questions.

The clause numbers and titles are facts of the standard; the questions are written for a state agency
that handles administrative procedures and are this product's own. Checklist templates are seeded from
``DEFAULT_QUESTIONS`` and then edited freely; a clause outside ``CLAUSES`` is refused everywhere.
"""
from __future__ import annotations

import re

from core.toolkit import ServiceError

CLAUSES: dict[str, str] = {
    "4": "Bối cảnh của tổ chức",
    "4.1": "Hiểu tổ chức và bối cảnh của tổ chức",
    "4.2": "Hiểu nhu cầu và mong đợi của các bên quan tâm",
    "4.3": "Xác định phạm vi của hệ thống quản lý chất lượng",
    "4.4": "Hệ thống quản lý chất lượng và các quá trình của hệ thống",
    "5": "Sự lãnh đạo",
    "5.1": "Sự lãnh đạo và cam kết",
    "5.1.1": "Khái quát",
    "5.1.2": "Hướng vào khách hàng",
    "5.2": "Chính sách",
    "5.2.1": "Thiết lập chính sách chất lượng",
    "5.2.2": "Truyền đạt chính sách chất lượng",
    "5.3": "Vai trò, trách nhiệm và quyền hạn trong tổ chức",
    "6": "Hoạch định",
    "6.1": "Hành động giải quyết rủi ro và cơ hội",
    "6.2": "Mục tiêu chất lượng và hoạch định để đạt được mục tiêu",
    "6.3": "Hoạch định các thay đổi",
    "7": "Hỗ trợ",
    "7.1": "Nguồn lực",
    "7.1.1": "Khái quát",
    "7.1.2": "Con người",
    "7.1.3": "Cơ sở hạ tầng",
    "7.1.4": "Môi trường cho việc thực hiện các quá trình",
    "7.1.5": "Nguồn lực theo dõi và đo lường",
    "7.1.6": "Tri thức của tổ chức",
    "7.2": "Năng lực",
    "7.3": "Nhận thức",
    "7.4": "Trao đổi thông tin",
    "7.5": "Thông tin dạng văn bản",
    "7.5.1": "Khái quát",
    "7.5.2": "Tạo lập và cập nhật",
    "7.5.3": "Kiểm soát thông tin dạng văn bản",
    "8": "Thực hiện",
    "8.1": "Hoạch định và kiểm soát việc thực hiện",
    "8.2": "Yêu cầu đối với sản phẩm và dịch vụ",
    "8.2.1": "Trao đổi thông tin với khách hàng",
    "8.2.2": "Xác định các yêu cầu liên quan đến sản phẩm và dịch vụ",
    "8.2.3": "Xem xét các yêu cầu liên quan đến sản phẩm và dịch vụ",
    "8.2.4": "Thay đổi các yêu cầu đối với sản phẩm và dịch vụ",
    "8.3": "Thiết kế và phát triển sản phẩm và dịch vụ",
    "8.4": "Kiểm soát quá trình, sản phẩm và dịch vụ do bên ngoài cung cấp",
    "8.5": "Sản xuất và cung cấp dịch vụ",
    "8.5.1": "Kiểm soát sản xuất và cung cấp dịch vụ",
    "8.5.2": "Nhận biết và xác định nguồn gốc",
    "8.5.3": "Tài sản của khách hàng hoặc nhà cung cấp bên ngoài",
    "8.5.4": "Bảo toàn",
    "8.5.5": "Hoạt động sau giao hàng",
    "8.5.6": "Kiểm soát thay đổi",
    "8.6": "Thông qua sản phẩm và dịch vụ",
    "8.7": "Kiểm soát đầu ra không phù hợp",
    "9": "Đánh giá kết quả hoạt động",
    "9.1": "Theo dõi, đo lường, phân tích và đánh giá",
    "9.1.1": "Khái quát",
    "9.1.2": "Sự thỏa mãn của khách hàng",
    "9.1.3": "Phân tích và đánh giá",
    "9.2": "Đánh giá nội bộ",
    "9.3": "Xem xét của lãnh đạo",
    "9.3.1": "Khái quát",
    "9.3.2": "Đầu vào xem xét của lãnh đạo",
    "9.3.3": "Đầu ra xem xét của lãnh đạo",
    "10": "Cải tiến",
    "10.1": "Khái quát",
    "10.2": "Sự không phù hợp và hành động khắc phục",
    "10.3": "Cải tiến liên tục",
}

# The product's own questions, one or two per sub-clause, for an agency handling administrative procedures.
DEFAULT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("4.1", "Đơn vị đã xác định các vấn đề bên trong và bên ngoài (chức năng, nhiệm vụ, văn bản pháp luật mới, "
            "hạ tầng công nghệ) ảnh hưởng đến việc giải quyết thủ tục hành chính và theo dõi chúng chưa?"),
    ("4.2", "Đã xác định người dân, doanh nghiệp và các cơ quan liên quan cùng yêu cầu của họ chưa?"),
    ("4.3", "Phạm vi hệ thống có bao trùm toàn bộ thủ tục hành chính đơn vị giải quyết; các điều khoản không áp "
            "dụng có được giải thích hợp lý không?"),
    ("4.4", "Các quy trình giải quyết thủ tục có được xác định đầu vào, đầu ra, trình tự, trách nhiệm và chỉ số "
            "theo dõi không?"),
    ("5.1.1", "Lãnh đạo đơn vị có tham gia chỉ đạo, bố trí nguồn lực và chịu trách nhiệm về hiệu lực của hệ thống?"),
    ("5.1.2", "Ý kiến, phản ánh của người dân có được tiếp nhận, xử lý và dùng để nâng cao chất lượng phục vụ?"),
    ("5.2.1", "Chính sách chất lượng có được ban hành, phù hợp với chức năng, nhiệm vụ của đơn vị không?"),
    ("5.2.2", "Công chức được phỏng vấn có hiểu chính sách chất lượng; chính sách có được niêm yết, công bố?"),
    ("5.3", "Trách nhiệm, quyền hạn trong từng quy trình có được phân công bằng văn bản và được hiểu rõ không?"),
    ("6.1", "Đơn vị đã nhận diện rủi ro (trễ hạn, sai sót hồ sơ, mất dữ liệu) và có biện pháp xử lý chưa?"),
    ("6.2", "Mục tiêu chất lượng năm có đo lường được, có kế hoạch thực hiện và được theo dõi định kỳ không?"),
    ("6.3", "Các thay đổi về tổ chức, thủ tục, phần mềm có được hoạch định và kiểm soát trước khi áp dụng?"),
    ("7.1.2", "Đơn vị có bố trí đủ công chức để giải quyết thủ tục đúng hạn không?"),
    ("7.1.3", "Trang thiết bị, phần mềm một cửa, đường truyền có đáp ứng và được bảo trì không?"),
    ("7.1.4", "Nơi tiếp nhận và trả kết quả có đủ điều kiện phục vụ (chỗ ngồi, niêm yết, lối đi)?"),
    ("7.1.5", "Thiết bị đo, đếm, lấy số thứ tự (nếu có) có được kiểm tra, hiệu chỉnh khi cần?"),
    ("7.1.6", "Kinh nghiệm giải quyết công việc có được lưu giữ, chia sẻ khi công chức luân chuyển?"),
    ("7.2", "Công chức có được đào tạo, bồi dưỡng phù hợp với nhiệm vụ; hồ sơ đào tạo có được lưu?"),
    ("7.3", "Công chức có nhận thức được đóng góp của mình và hậu quả của việc không tuân thủ quy trình?"),
    ("7.4", "Việc trao đổi thông tin nội bộ và với người dân (nội dung, thời điểm, kênh) có được xác định?"),
    ("7.5.2", "Tài liệu có mã số, lần ban hành, ngày hiệu lực và được người có thẩm quyền phê duyệt?"),
    ("7.5.3", "Tài liệu đang dùng là bản hiện hành; bản lỗi thời được nhận biết và thu hồi; hồ sơ được lưu đúng "
              "thời hạn?"),
    ("8.1", "Các quy trình có được thực hiện đúng như đã hoạch định, kể cả quy trình cập nhật theo văn bản mới?"),
    ("8.2.1", "Thông tin về thủ tục (thành phần hồ sơ, phí, thời hạn) có được công khai đầy đủ, chính xác?"),
    ("8.2.3", "Hồ sơ có được kiểm tra đầy đủ, hợp lệ trước khi tiếp nhận và hẹn trả kết quả?"),
    ("8.2.4", "Khi yêu cầu hồ sơ thay đổi (bổ sung, gia hạn), người dân có được thông báo bằng văn bản?"),
    ("8.4", "Dịch vụ do bên ngoài cung cấp (bưu chính công ích, phần mềm) có được lựa chọn và theo dõi?"),
    ("8.5.1", "Hồ sơ có được giải quyết theo đúng trình tự, thời hạn; phiếu kiểm soát quá trình được ghi đủ?"),
    ("8.5.2", "Có thể truy xuất hồ sơ theo mã số và biết hồ sơ đang ở bước nào, do ai xử lý không?"),
    ("8.5.3", "Giấy tờ bản chính của người dân được bảo quản và trả lại đầy đủ không?"),
    ("8.5.4", "Hồ sơ, kết quả giải quyết được bảo quản an toàn, không thất lạc, hư hỏng?"),
    ("8.6", "Kết quả giải quyết có được người có thẩm quyền kiểm tra, ký duyệt trước khi trả?"),
    ("8.7", "Hồ sơ trễ hạn, sai sót có được nhận diện, xin lỗi người dân và xử lý kịp thời?"),
    ("9.1.2", "Mức độ hài lòng của người dân có được khảo sát và phân tích định kỳ?"),
    ("9.1.3", "Số liệu (tỷ lệ đúng hạn, phản ánh, kiến nghị) có được phân tích để cải tiến?"),
    ("9.2", "Đánh giá nội bộ có được thực hiện theo chương trình, khách quan, và kết quả được báo cáo?"),
    ("9.3.2", "Cuộc xem xét của lãnh đạo có đủ đầu vào: kết quả đánh giá, điểm không phù hợp, số liệu hoạt động?"),
    ("9.3.3", "Các quyết định của lãnh đạo sau xem xét có được giao người thực hiện và theo dõi?"),
    ("10.2", "Điểm không phù hợp có được phân tích nguyên nhân, khắc phục và đánh giá hiệu lực?"),
    ("10.3", "Đơn vị có sáng kiến cải tiến hoặc đơn giản hóa thủ tục được áp dụng trong năm?"),
)



def title_of(clause: str) -> str:
    return CLAUSES.get(clause, "")


def full_title(clause: str) -> str:
    return f"{clause} {CLAUSES[clause]}" if clause in CLAUSES else clause


def check_clause(value: str, where: str = "") -> str:
    """A clause number of TCVN ISO 9001:2015 (4 to 10 and sub-clauses), or a clear refusal."""
    clause = (value or "").strip().rstrip(".")
    if clause not in CLAUSES:
        shown = f"“{clause}”" if clause else "(trống)"
        raise ServiceError(f"{where}Điều khoản {shown} không có trong TCVN ISO 9001:2015; chỉ dùng các điều khoản "
                           "4 đến 10 và điều khoản con, ví dụ 7.5.3 hoặc 8.5.1 (unknown clause)")
    return clause


def parse_clauses(text: str | list | None, label: str = "Phạm vi điều khoản") -> list[str]:
    """Clause numbers separated by commas, semicolons or spaces; empty gives an empty list."""
    items = text if isinstance(text, (list, tuple)) else re.split(r"[,;\s]+", text or "")
    found: list[str] = []
    for item in (str(i).strip() for i in items):
        if item:
            clause = check_clause(item, f"{label}: ")
            if clause not in found:
                found.append(clause)
    return sorted(found, key=sort_key)


def sort_key(clause: str) -> tuple[int, ...]:
    return tuple(int(part) for part in clause.split(".") if part.isdigit())


def within(clause: str, scope: list[str]) -> bool:
    """Whether ``clause`` falls under one of ``scope`` (8 covers 8.5.1); an empty scope covers everything."""
    return not scope or any(clause == s or clause.startswith(s + ".") for s in scope)

