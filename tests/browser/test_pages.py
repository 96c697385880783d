"""The pages in a real browser: Debian's Chromium (headless) driven by Playwright, against daphne
and a django-q2 cluster started here, with a fake microphone playing a shared clip.

The tests run in order and build on each other, as a user's afternoon would: what is recognised
early is searched for and deleted later. A screenshot of each page goes to
$ASR_TEST_ARTIFACTS/screenshots (default artifacts/browser/screenshots). Every request any page
makes is recorded; none may leave 127.0.0.1.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.platform_server import PASSWORD, serving
from tests.speech import SHORT_MANDARIN
from transcripts.engine.audio import SAMPLE_RATE, decode_audio, wav_bytes

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("ASR_TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts" / "browser"))
SHOTS = ARTIFACTS / "screenshots"
RECOGNITION_TIMEOUT_MS = 180_000

pytestmark = pytest.mark.slow


def fake_microphone(clip: Path, out: Path) -> Path:
    """The clip between silences, as Chromium's fake capture device plays it (in a loop)."""
    samples = decode_audio(clip).samples
    silence = np.zeros(int(1.5 * SAMPLE_RATE), np.float32)
    out.write_bytes(wav_bytes(np.concatenate([silence, samples, silence, silence])))
    return out


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: `make test` installs Debian's chromium package.")
    with serving(tmp_path_factory.mktemp("browser-server"), workers=True, ASR_WORKERS="1") as running:
        yield running


@pytest.fixture(scope="module")
def requests_seen() -> list[str]:
    return []


# Console messages about the Content-Security-Policy, from every page the tests open.
CSP_VIOLATIONS: list[str] = []


@pytest.fixture(scope="module")
def browser(tmp_path_factory, clips):
    microphone = fake_microphone(clips["BAC009S0764W0121.wav"].path, tmp_path_factory.mktemp("mic") / "mic.wav")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone}", "--disable-background-networking",
            "--autoplay-policy=no-user-gesture-required",
        ])
        yield launched
        launched.close()


def login(browser, server, requests_seen, user: str, **context_options):
    context = browser.new_context(locale="zh-CN", accept_downloads=True, **context_options)
    context.on("request", lambda request: requests_seen.append(request.url))
    page = context.new_page()
    page.on("console", lambda message: CSP_VIOLATIONS.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    page.set_default_timeout(30_000)
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", user)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/recognize/")
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_recognize_a_mandarin_clip_and_read_the_text(browser, server, requests_seen, clips):
    page = login(browser, server, requests_seen, "alice")
    shot(page, "01-recognize")
    page.set_input_files("#id_audio", str(clips["BAC009S0764W0121.wav"].path))
    page.select_option("#id_language", "zh")
    page.click("button[type=submit]")
    page.wait_for_selector("#itn-text", timeout=RECOGNITION_TIMEOUT_MS)
    assert "交易" in page.inner_text("#itn-text")
    assert page.locator("table.segments tbody tr").count() >= 1
    # How long the recording is, and how long recognising it took, each said as what it is
    assert page.inner_text("#duration") == "音频 4.2 秒" and page.inner_text("#processing").startswith("识别用时")
    shot(page, "02-transcript")


def test_batch_of_three_reaches_done_and_exports_csv(browser, server, requests_seen, clips):
    page = login(browser, server, requests_seen, "alice")
    page.goto(f"{server.url}/batch/")
    # dropped on the form, as a user drags them from a file manager
    dropped = page.evaluate_handle("""files => {
        const transfer = new DataTransfer();
        for (const [name, bytes] of files) transfer.items.add(new File([new Uint8Array(bytes)], name, {type: "audio/wav"}));
        return transfer;
    }""", [[name, list(clips[name].path.read_bytes())] for name in SHORT_MANDARIN])
    page.dispatch_event("#batch-form", "drop", {"dataTransfer": dropped})
    expect(page.locator("#file-list li")).to_have_count(3)
    assert SHORT_MANDARIN[1] in page.inner_text("#file-list")
    shot(page, "03a-batch-dropped")
    page.select_option("#id_language", "zh")
    page.click("#batch-form button[type=submit]")
    page.wait_for_url("**/batch/*/")
    shot(page, "03-batch-running")
    # Locator waits, not wait_for_function: the pages' Content-Security-Policy forbids the eval it uses.
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done", timeout=RECOGNITION_TIMEOUT_MS)
    assert page.inner_text("#job-status") == "已完成"
    assert page.inner_text("#job-count") == "3/3"
    # A finished job has no ETA, and its status line does not end on a dangling separator.
    assert not page.inner_text("#job p").rstrip().endswith("·")
    assert float(page.get_attribute("#job-progress", "value")) == 1.0
    expect(page.locator("#job-cancel")).to_be_hidden()  # nothing left to cancel
    shot(page, "04-batch-done")
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3 and all(row["status"] == "done" for row in rows)
    assert any("换一首歌" in row["text"] for row in rows)


def test_the_transcript_workspace_seeks_corrects_and_reverts(browser, server, requests_seen, tmp_path):
    """Issues 14 and 15: a diarised conversation; a row's time seeks the player, the row being
    played is highlighted, a corrected segment and a named speaker show in the download, and the
    recogniser's output comes back."""
    from tests.diarization import mandarin_conversation

    recording, _ = mandarin_conversation(2, -50.0, seconds=25)
    conversation = tmp_path / "meeting.wav"
    conversation.write_bytes(wav_bytes(recording.samples))
    page = login(browser, server, requests_seen, "alice")
    page.set_input_files("#id_audio", str(conversation))
    page.select_option("#id_language", "zh")
    page.check("#id_diarize")
    page.click("button[type=submit]")
    page.wait_for_selector("#speakers", timeout=RECOGNITION_TIMEOUT_MS)
    assert page.locator("#speakers .speaker").count() >= 2
    rows = page.locator("#segments tbody tr")
    third_start = float(rows.nth(2).get_attribute("data-start"))
    rows.nth(2).locator(".seek").click()
    expect(rows.nth(2)).to_have_class(re.compile("playing"))
    assert abs(page.locator("audio").evaluate("audio => audio.currentTime") - third_start) < 1.5
    page.locator("audio").evaluate("audio => audio.pause()")
    page.fill("#find", "情况")
    assert page.locator("#segments tr.match").count() >= 1
    page.fill("#find", "")
    # segments the recogniser was unsure of are underlined, and the note above counts them
    unsure = page.locator("#segments tr.unsure")
    if unsure.count():
        assert f"{unsure.count()} 个分段" in page.inner_text("#unsure-note")
        assert unsure.first.locator(".seg-text").evaluate("e => getComputedStyle(e).textDecorationStyle") == "wavy"
        page.click("#next-unsure")  # plays the next of them
        playing = page.locator("#segments tr.unsure.playing")
        expect(playing).to_have_count(1)
        assert abs(page.locator("audio").evaluate("audio => audio.currentTime")
                   - float(playing.get_attribute("data-start"))) < 1.5
        page.locator("audio").evaluate("audio => audio.pause()")
    else:
        assert page.locator("#unsure-note").count() == 0
    shot(page, "02b-workspace")
    first = rows.nth(0).locator(".seg-text")
    first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("我们先说销售问题。")
    page.fill('input[name="name-S1"]', "张经理")
    page.click("#editor-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("已保存")
    expect(page.locator("#edited")).to_contain_text("alice")
    assert page.locator('select[name="speaker-0"] option:checked').inner_text() == "张经理"
    with page.expect_download() as download:
        page.click("text=TXT")
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("张经理: 我们先说销售问题。")
    shot(page, "02c-corrected")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#edited summary")
    page.click("text=恢复识别原稿")
    expect(page.locator(".notice")).to_contain_text("已恢复识别原稿")
    assert "我们先说销售问题" not in page.inner_text("#segments")


def test_live_microphone_text_appears(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "bob")
    page.goto(f"{server.url}/live/")
    page.fill("#live-options input[name=hotwords]", ", ".join(f"术语{i}" for i in range(250)))
    page.click("#live-start")  # options the server refuses: said in the page's language, and it stops
    expect(page.locator("#live-error")).to_contain_text("热词太多")
    expect(page.locator("#live-start")).to_be_enabled()
    page.fill("#live-options input[name=hotwords]", "")
    page.select_option("#live-options select[name=language]", "zh")
    page.click("#live-start")
    page.wait_for_selector("#live-finals > *", timeout=RECOGNITION_TIMEOUT_MS)
    shot(page, "05-live")
    page.click("#live-stop")
    page.wait_for_selector("#live-saved a", timeout=RECOGNITION_TIMEOUT_MS)
    finals = page.inner_text("#live-finals")
    assert "交易" in finals, finals
    assert page.is_hidden("#live-error")


def test_vad_shows_the_plot_and_the_segments(browser, server, requests_seen, clips):
    page = login(browser, server, requests_seen, "bob")
    page.goto(f"{server.url}/vad/")
    page.set_input_files("#id_audio", str(clips["TEST_MEETING_T0000000001_S00000.wav"].path))
    page.click("button[type=submit]")
    page.wait_for_selector("#vad-plot")
    assert page.locator("#vad-segments tbody tr").count() >= 1
    painted = page.evaluate("""() => {
        const c = document.getElementById('vad-plot');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let colored = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0) colored++;
        return colored / (c.width * c.height);
    }""")
    assert painted > 0.05  # the waveform and the speech regions were drawn
    shot(page, "06-vad")


def test_history_finds_them_and_a_deleted_one_stays_gone(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "alice")
    files = "table tbody td a[href^='/transcripts/']"
    page.goto(f"{server.url}/history/?q=交易")
    names = page.locator(files).all_inner_texts()
    assert "BAC009S0764W0121.wav" in names
    assert page.locator("td.snippet mark").first.inner_text() == "交易"
    shot(page, "07-history")
    page.goto(f"{server.url}/history/")
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the pages' ASR_TIME_ZONE
    page.select_option("#history-filters select[name=language]", label="中文")
    page.select_option("#history-filters select[name=status]", label="已完成")
    page.select_option("#history-filters select[name=owner]", label="alice")
    page.fill("#history-filters input[name=from]", today)
    page.click("#history-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*status=done.*"))
    assert "language=zh" in page.url and f"from={today}" in page.url
    assert page.locator(files).count() >= 3
    assert set(page.locator("td[class^=status-]").all_inner_texts()) == {"已完成"}
    assert set(page.locator("table tbody tr td:nth-child(7)").all_inner_texts()) == {"中文"}
    assert page.locator("#history-filters select[name=language] option:checked").inner_text() == "中文"
    assert page.locator("#history-filters select[name=owner] option:checked").inner_text() == "alice"  # the filters stay chosen
    shot(page, "07-history-filtered")
    page.select_option("#history-filters select[name=owner]", label="vera")  # a viewer: she recognised nothing
    page.click("#history-filters button[type=submit]")
    expect(page.locator("#history-empty")).to_contain_text("没有符合这些筛选条件的转写")
    page.goto(f"{server.url}/history/?q=换一首歌")
    assert page.locator(files).all_inner_texts() == ["IT0011W0001.wav"]
    expect(page.locator("#delete-selected")).to_be_disabled()
    page.check("table tbody input[type=checkbox]")
    expect(page.locator("#delete-selected")).to_be_enabled()
    page.click("#delete-selected")
    page.click("form[method=post] button[type=submit]")  # the confirmation page
    page.wait_for_url(f"{server.url}/history/")
    expect(page.locator(".notice")).to_contain_text("已删除 1 条转写")
    page.goto(f"{server.url}/history/?q=换一首歌")
    page.reload()
    assert page.locator(files).count() == 0
    expect(page.locator("#history-empty")).to_contain_text("没有与“换一首歌”匹配的转写")


def test_an_admins_hotword_library_is_used_by_a_member(browser, server, requests_seen, clips):
    admin = login(browser, server, requests_seen, "alice")
    admin.goto(f"{server.url}/hotwords/new/")
    admin.fill("#id_name", "客服术语")
    admin.fill("#id_terms", "停滞 20\n交易")
    admin.click("button[type=submit]")
    admin.wait_for_url(f"{server.url}/hotwords/")
    shot(admin, "08-hotwords")
    member = login(browser, server, requests_seen, "bob")
    member.check("label:has-text('客服术语') input")
    member.set_input_files("#id_audio", str(clips["BAC009S0764W0121.wav"].path))
    member.click("button[type=submit]")
    member.wait_for_selector("#itn-text", timeout=RECOGNITION_TIMEOUT_MS)
    assert "停滞, 交易" in member.inner_text("#hotwords-used")


def test_settings_switch_the_language_and_back(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "alice")
    page.goto(f"{server.url}/settings/")
    assert page.locator("#system-panel").is_visible() and page.inner_text("nav").count("历史记录") == 1
    assert "没有工作进程集群在线" not in page.inner_text("#system-panel")  # the test's qcluster reported in
    shot(page, "09-settings")
    page.select_option("#language-switch select", "en")
    expect(page.locator("nav")).to_contain_text("History")
    assert "Recognition defaults of the team" in page.inner_text("main")
    shot(page, "10-settings-english")
    page.select_option("#language-switch select", "zh-hans")
    expect(page.locator("nav")).to_contain_text("历史记录")


def test_a_user_of_another_team_sees_none_of_it(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "carol")
    page.goto(f"{server.url}/history/")
    assert page.locator("table tbody td a").count() == 0
    page.goto(f"{server.url}/hotwords/")
    assert "客服术语" not in page.inner_text("main")
    assert page.goto(f"{server.url}/transcripts/1/").status == 404
    assert "找不到页面" in page.inner_text("main") and page.locator("header.top nav").count() == 1
    shot(page, "15-not-found")
    assert page.goto(f"{server.url}/batch/1/").status == 404


def test_a_viewer_reads_and_listens_but_sees_no_controls_they_cannot_use(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "vera")
    assert page.locator("#viewer-note").count() == 1 and page.locator("input[type=file]").count() == 0
    page.goto(f"{server.url}/history/")
    assert page.locator("table tbody input[type=checkbox]").count() == 0 and page.locator("#delete-selected").count() == 0
    page.click("table tbody td a[href^='/transcripts/']")
    assert page.locator("#segments tbody tr").count() >= 1
    assert page.locator("[contenteditable]").count() == 0 and page.locator("#editor-form").count() == 0
    first = page.locator("#segments tbody tr").first
    first.locator(".seg-text").click()  # a viewer's text is not an editor: clicking it plays the row
    expect(first).to_have_class(re.compile("playing"))
    page.locator("audio").evaluate("audio => audio.pause()")
    range_response = page.request.get(server.url + page.locator("audio").get_attribute("src"), headers={"Range": "bytes=0-99"})
    assert range_response.status == 206 and range_response.headers["content-range"].startswith("bytes 0-99/")
    shot(page, "16-viewer-transcript")


def test_pages_fit_a_phone_screen(browser, server, requests_seen):
    page = login(browser, server, requests_seen, "alice", viewport={"width": 390, "height": 844},
                 device_scale_factor=2, is_mobile=True, has_touch=True)
    for path, name in (("/recognize/", "11-phone-recognize"), ("/history/", "12-phone-history"),
                       ("/batch/1/", "13-phone-job"), ("/settings/", "14-phone-settings")):
        page.goto(f"{server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than the phone"
        if path.startswith("/batch/"):  # long file names wrap; the text keeps a readable column
            assert page.locator(".files td:last-child").first.bounding_box()["width"] >= 100
        shot(page, name)


def test_no_page_broke_its_content_security_policy(server, requests_seen):
    """Every page, script, style, sound and socket the journey used came from our own origin
    without an inline script or style that the policy had to block."""
    assert len(requests_seen) > 50 and CSP_VIOLATIONS == []


def test_no_request_left_127_0_0_1(server, requests_seen):
    assert len(requests_seen) > 50
    outside = [url for url in requests_seen
               if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname != "127.0.0.1"]
    assert outside == []
