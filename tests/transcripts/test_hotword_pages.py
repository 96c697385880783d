import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from transcripts.models import HotwordLibrary


@pytest.mark.django_db
def test_team_admin_creates_imports_exports_and_deletes(client, teams):
    client.force_login(teams["alice"])
    response = client.post("/hotwords/new/", {"name": "客服术语", "terms": "退费流程 20\n工单编号"})
    assert response.status_code == 302
    library = HotwordLibrary.objects.get(team=teams["a"], name="客服术语")
    upload = SimpleUploadedFile("terms.txt", "\ufeffComfyUI\n通义千问 5\n".encode("utf-8"))
    response = client.post(f"/hotwords/{library.pk}/", {"name": "客服术语", "terms": "", "upload": upload,
                                                         "import_mode": "replace"}, follow=True)
    library.refresh_from_db()
    assert library.terms == "ComfyUI\n通义千问 5"
    assert "导入了 2 个新词" in response.content.decode()
    exported = client.get(f"/hotwords/{library.pk}/export/")
    assert exported.content.decode() == "ComfyUI\n通义千问 5"
    client.post(f"/hotwords/{library.pk}/delete/")
    assert not HotwordLibrary.objects.exists()


@pytest.mark.django_db
def test_bad_terms_and_duplicate_names_are_shown_in_place(client, teams):
    client.force_login(teams["alice"])
    response = client.post("/hotwords/new/", {"name": "x", "terms": "term 1000"})
    assert response.status_code == 400 and "第 1 行：热词权重必须在 1 到 100 之间，而不是 1000" in response.content.decode()
    response = client.post("/hotwords/new/", {"name": "x", "terms": "ok\n" + "长" * 101})
    assert response.status_code == 400 and "第 2 行：热词最多 100 个字符" in response.content.decode()
    HotwordLibrary.objects.create(team=teams["a"], name="dup")
    response = client.post("/hotwords/new/", {"name": "dup", "terms": "a"})
    assert response.status_code == 400 and "这个团队已经有同名的热词库" in response.content.decode()


@pytest.mark.django_db
def test_members_read_but_do_not_edit_and_other_teams_see_nothing(client, teams):
    library = HotwordLibrary.objects.create(team=teams["a"], name="产品词", terms="ComfyUI")
    client.force_login(teams["bob"])
    assert "产品词" in client.get("/hotwords/").content.decode()
    assert client.get(f"/hotwords/{library.pk}/export/").status_code == 200
    assert client.post(f"/hotwords/{library.pk}/", {"name": "x", "terms": "y"}).status_code == 404
    assert client.post("/hotwords/new/", {"name": "x", "terms": "y"}).status_code == 404
    client.force_login(teams["carol"])
    assert "产品词" not in client.get("/hotwords/").content.decode()
    for url in (f"/hotwords/{library.pk}/", f"/hotwords/{library.pk}/export/", f"/hotwords/{library.pk}/delete/"):
        assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_import_adds_to_the_terms_or_replaces_them(client, teams):
    client.force_login(teams["alice"])
    client.post("/hotwords/new/", {"name": "词库", "terms": "退费流程 20\n工单编号"})
    library = HotwordLibrary.objects.get(name="词库")
    upload = SimpleUploadedFile("terms.txt", "工单编号 50\nComfyUI\n".encode())
    response = client.post(f"/hotwords/{library.pk}/", {"name": "词库", "terms": library.terms, "upload": upload,
                                                         "import_mode": "merge"}, follow=True)
    library.refresh_from_db()
    assert library.terms == "退费流程 20\n工单编号\nComfyUI"  # a term already there keeps its line
    assert "导入了 1 个新词" in response.content.decode()
    upload = SimpleUploadedFile("terms.txt", b"ComfyUI\n")
    client.post(f"/hotwords/{library.pk}/", {"name": "词库", "terms": library.terms, "upload": upload,
                                             "import_mode": "replace"})
    library.refresh_from_db()
    assert library.terms == "ComfyUI"
