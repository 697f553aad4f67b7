"""Seed the nine SMS templates with the wording used by provincial portals (domain.md §5.2)."""

from django.db import migrations

# event: (body, counter, online, post)
TEMPLATES = {
    "submitted": ("Ho so {code} da duoc gui!", False, True, False),
    "received": (
        "Ho so {code} da duoc tiep nhan. Ngay hen tra: {appointment}",
        True,
        True,
        True,
    ),
    "supplement_requested": ("Ho so {code} duoc yeu cau bo sung!", True, True, True),
    "refused": ("Ho so {code} khong du dieu kien giai quyet.", True, True, True),
    "apology": (
        "{agency} xin loi Ong(ba) vi ho so {code} cham tra ket qua. "
        "Ngay hen tra moi: {new_appointment}",
        True,
        True,
        True,
    ),
    "ready": (
        "Ho so {code} da duoc xu ly xong. Moi chu ho so hoac nguoi uy quyen den nhan "
        "ket qua!",
        True,
        True,
        False,
    ),
    "returned": (
        "Ho so {code} da tra ket qua. Moi Ong(ba) danh gia: {rating_link}",
        True,
        True,
        True,
    ),
    "stopped": ("Ho so {code} da dung xu ly. Ly do: {reason}", True, True, True),
    "withdrawn": ("Ho so {code} da duoc rut theo yeu cau cua Ong(ba).", True, True, True),
}


def seed(apps, schema_editor):
    SmsTemplate = apps.get_model("notifications", "SmsTemplate")
    for event, (body, counter, online, post) in TEMPLATES.items():
        SmsTemplate.objects.get_or_create(
            event=event,
            defaults={"body": body, "counter": counter, "online": online, "post": post},
        )


def unseed(apps, schema_editor):
    SmsTemplate = apps.get_model("notifications", "SmsTemplate")
    SmsTemplate.objects.filter(event__in=TEMPLATES).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_outbox")]

    operations = [migrations.RunPython(seed, unseed)]
