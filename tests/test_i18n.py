"""The Chinese catalogue is complete and compiled, and pages follow the chosen language."""
import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_string_is_translated_and_the_compiled_catalogue_matches():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert mo.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, f"{entry.msgid!r}: run `make messages`"


@pytest.mark.django_db
def test_the_language_follows_the_browser_and_the_switch(client, teams):
    client.force_login(teams["bob"])
    assert ">历史记录<" in client.get("/history/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert ">History<" in client.get("/history/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert ">历史记录<" in client.get("/history/").content.decode()  # no preference: the default, Chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/history/"})
    page = client.get("/history/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert ">History<" in page and ">Settings<" in page  # the choice outranks the browser
