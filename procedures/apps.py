from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

        from accounts.models import Agency  # noqa: PLC0415 - models load after apps
        from procedures.catalogue_choices import invalidate_on_commit  # noqa: PLC0415
        from procedures.models import Field, Procedure  # noqa: PLC0415

        # The catalogue's filter choices: fields and agencies (code, name) with a
        # published procedure.
        for model in (Field, Agency, Procedure):
            for name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    invalidate_on_commit,
                    sender=model,
                    dispatch_uid=f"procedures.catalogue_choices.{name}.{model.__name__}",
                )
