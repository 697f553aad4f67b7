"""Demo data: feedback items in several states (one answered and published) and,
when the demo has returned dossiers, ratings for some of them.

Idempotent: items are found again by title; rated dossiers are skipped. Goes
through the services, so every item has its audit trail. Never used in production.
"""

from __future__ import annotations

from django.db import transaction

from accounts.demo import MAIN_DEPARTMENT
from accounts.models import Agency, User
from dossiers.models import Dossier
from feedback import services
from feedback.models import Feedback, Rating, RatingValue

MANAGER_EMAIL = "quanly@demo.quangninh.vn"
SPECIALIST_EMAIL = "chuyenvien@demo.quangninh.vn"
#: The specialist's own department (Sở Tài chính): items are assigned to them there.
AGENCY = MAIN_DEPARTMENT
# (title, content, stage)
ITEMS = (
    (
        "Niêm yết thủ tục đăng ký thành lập doanh nghiệp chưa cập nhật",
        "Bảng niêm yết tại quầy vẫn ghi cơ quan giải quyết là Sở Kế hoạch và Đầu tư "
        "và mức lệ phí cũ, khác với thông tin trên Cổng dịch vụ công.",
        "published",
    ),
    (
        "Đề nghị bổ sung hướng dẫn nộp hồ sơ trực tuyến",
        "Tôi không biết cần chụp những giấy tờ nào khi nộp hồ sơ đăng ký thành lập "
        "công ty trực tuyến.",
        "assigned",
    ),
    (
        "Thời gian chờ tại quầy quá lâu",
        "Sáng thứ Hai tôi phải chờ hơn một giờ mới đến lượt.",
        "received",
    ),
)
RATING_CYCLE = (
    RatingValue.VERY_SATISFIED,
    RatingValue.SATISFIED,
    RatingValue.VERY_SATISFIED,
    RatingValue.SATISFIED,
    RatingValue.DISSATISFIED,
)


@transaction.atomic
def seed() -> list[tuple[str, str]]:
    agency = Agency.objects.filter(code=AGENCY).first()
    manager = User.objects.filter(email=MANAGER_EMAIL).first()
    specialist = User.objects.filter(email=SPECIALIST_EMAIL).first()
    if agency is None or manager is None or specialist is None:
        return []
    for title, content, stage in ITEMS:
        if Feedback.objects.filter(title=title).exists():
            continue
        feedback, _token = services.feedback_submit(
            data=services.FeedbackInput(
                subject=Feedback.Subject.PROCEDURE,
                title=title,
                content=content,
                contact_name="Vũ Văn Công Dân",
                contact_phone="+84987654321",
                agency=agency,
                consent_to_publish=True,
            ),
            author=None,
        )
        if stage == "received":
            continue
        services.feedback_classify(
            feedback=feedback,
            actor=manager,
            classification=Feedback.Classification.REGULATION,
        )
        services.feedback_assign(feedback=feedback, actor=manager, assignee=specialist)
        if stage == "published":
            services.feedback_answer(
                feedback=feedback,
                actor=specialist,
                answer="Sở Tài chính đã cập nhật bảng niêm yết thủ tục đăng ký doanh "
                "nghiệp theo quy định hiện hành; nhiệm vụ đăng ký doanh nghiệp của Sở "
                "Kế hoạch và Đầu tư trước đây nay do Sở Tài chính thực hiện. Xin cảm ơn "
                "Ông/Bà đã phản ánh.",
            )
            services.feedback_publish(feedback=feedback, actor=manager, publish=True)
    _seed_ratings()
    return []


def _seed_ratings() -> None:
    returned = Dossier.objects.filter(state=Dossier.State.RETURNED).exclude(
        pk__in=Rating.objects.values("dossier_id")
    )
    for dossier in returned.order_by("pk")[:200]:
        value = RATING_CYCLE[dossier.pk % len(RATING_CYCLE)]
        _invitation, token = services.rating_invitation_create(dossier=dossier)
        services.rating_submit_with_token(
            token=token,
            answers=services.RatingAnswers(
                value=value,
                reason="Phải bổ sung giấy tờ nhiều lần"
                if value == RatingValue.DISSATISFIED
                else "",
            ),
        )
