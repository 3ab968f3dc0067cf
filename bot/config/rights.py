"""The youth's rights: the privacy notice's facts and how long data is kept."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.config.base import Section


class PrivacyConfig(Section):
    """Shown on `/privacy` (the notice's other words are texts: `web.privacy_*`)."""

    # Who is responsible for the data (name and address of the organisation).
    controller: str = "the organisation that runs this chat service"
    # How to reach the data-protection officer (an e-mail address or a phone number).
    dpo_contact: str = ""


class RetentionConfig(Section):
    """How long what a youth told is kept; a daily job erases what expired."""

    # A youth's own words (free text) are erased this many days after their last session.
    free_text_days: int = Field(90, ge=1)
    # A youth with cases is erased entirely this many months after the last activity.
    case_months: int = Field(12, ge=1)
    # An intake that never led to a session is erased after this many days without contact.
    intake_days: int = Field(30, ge=1)
    # Accounts the service made that nobody used for this many months are deactivated
    # (needs `homeserver_admin_token`).
    account_months: int = Field(12, ge=1)
    # A homeserver admin's access token, for purging a youth's session rooms and deactivating
    # accounts the service made (Synapse admin API). Better in CHATHULP_ADMIN_TOKEN.
    homeserver_admin_token: SecretStr | None = None
