"""Demo data: feedback items in several states (one answered and published) and,
when the demo has returned dossiers, ratings for some of them.

Idempotent: items are found again by title; rated dossiers are skipped. Goes
through the services, so every item has its audit trail. Never used in production.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import Agency, User
from dossiers.models import Dossier
from feedback import services
from feedback.models import Feedback, Rating, RatingValue

MANAGER_EMAIL = "quanly@demo.quangninh.vn"
SPECIALIST_EMAIL = "chuyenvien@demo.quangninh.vn"
JUSTICE = "000.00.15.H49"
# (title, content, stage)
ITEMS = (
    (
        "Niêm yết thủ tục cấp phiếu lý lịch tư pháp chưa cập nhật",
        "Bảng niêm yết tại quầy vẫn ghi lệ phí cũ, khác với trên Cổng dịch vụ công.",
        "published",
    ),
    (
        "Đề nghị bổ sung hướng dẫn nộp hồ sơ trực tuyến",
        "Tôi không biết cần chụp giấy tờ nào khi nộp hồ sơ trực tuyến.",
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
    agency = Agency.objects.filter(code=JUSTICE).first()
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
                answer="Sở Tư pháp đã cập nhật bảng niêm yết theo quy định hiện hành. "
                "Xin cảm ơn Ông/Bà đã phản ánh.",
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
