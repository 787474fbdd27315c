"""Steps a person takes in the app, shared by the end-to-end tests."""
from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import PASSWORD
from tests.factories import jpeg

FIND_UNANSWERED = """() => {
  for (const el of document.querySelectorAll('.item')) {
    const type = el.dataset.type;
    if (['check', 'scale', 'choice'].includes(type) && !el.querySelector('.choice.on')) return el.dataset.key;
    if (['number', 'duration'].includes(type) && el.querySelector('input.num').value === '') return el.dataset.key;
    if (type === 'text' && el.querySelector('textarea').value === '') return el.dataset.key;
  }
  return null;
}"""


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-button")
    page.wait_for_selector(".assignment")


def open_assignment(page, kind: str = "onsite") -> str:
    page.click(f"article[data-kind={kind}] button.start")
    page.wait_for_selector(".item")
    return page.evaluate("location.hash.split('/')[2]")


def settle(page) -> None:
    """Wait until the inspection screen has finished drawing, so a click never lands mid-redraw."""
    page.wait_for_function("() => !document.body.dataset.rendering")


def renders(page) -> int:
    return int(page.evaluate("Number(document.body.dataset.renders || 0)"))


def redrawn_since(page, count: int) -> None:
    """Each change is saved, then the screen is drawn again: wait for that drawing to finish."""
    page.wait_for_function(f"() => Number(document.body.dataset.renders || 0) > {count} && !document.body.dataset.rendering")


def answer_everything(page, fail_keys=()) -> None:
    for _ in range(300):
        settle(page)
        key = page.evaluate(FIND_UNANSWERED)
        if key is None:
            return
        item = page.locator(f'.item[data-key="{key}"]')
        kind = item.get_attribute("data-type")
        count = renders(page)
        if kind == "check":
            item.locator(f'button[data-value="{"fail" if key in fail_keys else "pass"}"]').click()
        elif kind == "scale":
            item.locator("button.choice:not(.v-na)").last.click()
        elif kind == "choice":
            item.locator("button.choice:not(.v-na)").first.click()
        elif kind == "number":
            item.locator("input.num").fill("3")
            item.locator("input.num").dispatch_event("change")
        elif kind == "duration":
            item.locator("input.num").fill("240")
            item.locator("input.num").dispatch_event("change")
        elif kind == "text":
            item.locator("textarea").fill("无其他问题")
            item.locator("textarea").dispatch_event("change")
        redrawn_since(page, count)
        try:
            page.wait_for_function(f"""() => {{ const el = document.querySelector('.item[data-key="{key}"]');
                return !el || el.querySelector('.choice.on') || (el.querySelector('input.num') || {{}}).value
                    || (el.querySelector('textarea') || {{}}).value; }}""", timeout=10000)
        except PlaywrightTimeout:
            raise AssertionError(f"{key} ({kind}) was not answered: "
                                 + page.evaluate(f"document.querySelector('.item[data-key=\"{key}\"]')?.outerHTML || 'gone'")[:600]
                                 + " errors: " + "; ".join(page.errors)) from None
    raise AssertionError("items kept appearing")


def attach_photo(page, key: str, seed: int) -> None:
    settle(page)
    count = renders(page)
    before = page.locator(f'.item[data-key="{key}"] img.thumb').count()
    page.set_input_files(f'input.file[data-item="{key}"]',
                         files=[{"name": f"p{seed}.jpg", "mimeType": "image/jpeg", "buffer": jpeg((1600, 1200), seed=seed)}])
    redrawn_since(page, count)
    page.wait_for_function(f"""() => document.querySelectorAll('.item[data-key="{key}"] img.thumb').length > {before}""")


def pick_staff(page, key: str) -> None:
    settle(page)
    select = page.locator(f'.item[data-key="{key}"] select.staff')
    count = renders(page)
    select.select_option(index=1)
    redrawn_since(page, count)
    page.wait_for_function(f"""() => document.querySelector('.item[data-key="{key}"] select.staff').value !== ''""")


def sign(page, key: str) -> None:
    settle(page)
    canvas = page.locator(f'.item[data-key="{key}"] canvas.signature')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 40)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 25, box["y"] + 40 + (step % 3) * 25)
    page.mouse.up()
    count = renders(page)
    page.locator(f'.item[data-key="{key}"] .save-signature').click()
    redrawn_since(page, count)
    page.wait_for_selector(f'.item[data-key="{key}"] p.ok')


def review_and_submit(page) -> None:
    page.click("#to-review")
    page.wait_for_selector("#submit")
    assert page.locator(".missing").count() == 0, page.locator(".missing").inner_text()
    page.click("#submit")


def wait_all_sent(page, timeout: int = 30000) -> None:
    page.wait_for_function("() => document.getElementById('outbox')?.dataset.count === '0'", timeout=timeout)
