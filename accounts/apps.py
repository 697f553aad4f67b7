from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and agencies")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added  # noqa: PLC0415

        from accounts.mfa import (  # noqa: PLC0415 - models load after apps
            record_second_factor_on_activation,
        )

        authenticator_added.connect(
            record_second_factor_on_activation,
            dispatch_uid="accounts.record_second_factor_on_activation",
        )
