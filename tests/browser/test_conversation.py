"""The conversation in headless Chromium (contract section 14): an internal comment with a
real PNG added from a request's page, shown in the timeline, downloaded byte for byte; the
user it mentions finds the notification in their list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversation.models import Comment
from tests.browser.conftest import assert_labelled, shot, sign_in
from tests.conversation.conftest import png_bytes
from tests.factories import make_service_request

pytestmark = pytest.mark.live


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_comment_with_an_image_and_a_mention(site, new_context, screenshots):
    number = make_service_request(description="Router keeps rebooting").number
    png = png_bytes(4, 3)
    page = new_context().new_page()
    sign_in(page, site)
    page.goto(f"{site}/requests/{number}/")
    form = page.get_by_role("form", name="Add a comment")
    assert form.get_by_label("Internal (staff only)").is_checked()
    form.get_by_label("Comment").fill("Photo of the router's lights, @agent please call back")
    form.get_by_label("Attach files").set_input_files(
        [{"name": "router.png", "mimeType": "image/png", "buffer": png}]
    )
    assert_labelled(page)
    form.get_by_role("button", name="Add comment").click()
    page.wait_for_url(re.compile(rf"/requests/{number}/#conversation$"))
    assert page.get_by_role("status").inner_text() == "Comment added."

    item = page.locator(".timeline__item").last
    assert item.locator("strong").inner_text() == "Comment added"
    assert "Photo of the router's lights, @agent please call back" in item.inner_text()
    assert item.locator(".badge").inner_text() == "Internal"
    link = item.get_by_role("link", name="router.png")
    attachment = Comment.objects.get().attachments.get()
    assert link.get_attribute("href") == f"/attachments/{attachment.pk}/"
    shot(page, screenshots, "40-conversation-comment")

    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "router.png"
    assert Path(download.path()).read_bytes() == png

    agent = new_context().new_page()
    sign_in(agent, site, "agent")
    agent.goto(f"{site}/notifications/")
    notice = agent.locator(".notification", has_text=f"mentioned you on {number}")
    assert notice.locator(".badge").inner_text() == "mentioned you"
    notice.get_by_role("link").click()
    agent.wait_for_url(re.compile(rf"/requests/{number}/$"))
    assert agent.get_by_role("link", name="router.png").is_visible()
