"""What "fits a phone" means, measured in the browser at 375 px.

The walk (test_phone_walk.py) and the screenshot script share these checks.

Primary actions — the things a thumb must hit — are, by convention:
buttons (`<button>`, `<input type=submit|button>`, anything with
`role="button"`) and any element marked `data-action` (the agenda's links).
A plain text link inside a sentence is not a primary action; a
`.link-button` is a button styled as a link and is exempt likewise.
A box may scroll sideways inside the page only when it carries `data-scrolls`.
"""

from __future__ import annotations

PHONE = {"width": 375, "height": 812}
MIN_TARGET = 44  # px, WCAG 2.5.5 / Apple HIG

PRIMARY_ACTIONS = (
    "button:not(.link-button), input[type=submit], input[type=button], "
    "[role=button]:not(.link-button), [data-action]"
)

# Returns a list of human-readable problems; empty when the page fits.
_CHECK = """
([selector, minTarget]) => {
  const problems = [];
  // What is folded away (a form behind "Log a visit", the menu) must fit once unfolded.
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  const header = document.querySelector(".site-header");
  if (header && header.getBoundingClientRect().height > window.innerHeight / 8 + 1) {
    problems.push(`the header is ${Math.round(header.getBoundingClientRect().height)}px tall, over 1/8 of ${window.innerHeight}px`);
  }
  const doc = document.documentElement;
  const viewport = window.innerWidth;
  if (doc.scrollWidth > viewport + 1) {
    // Name the widest culprits so the failure says what to fix.
    const culprits = [];
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (rect.right > viewport + 1 && rect.width > 0) {
        let inner = false;
        for (const child of el.children) {
          if (child.getBoundingClientRect().right > viewport + 1) { inner = true; break; }
        }
        if (!inner) culprits.push(describe(el) + " right=" + Math.round(rect.right));
      } else if (el.scrollWidth > viewport + 1 && getComputedStyle(el).overflowX === "visible"
                 && ![...el.children].some((child) => child.scrollWidth > viewport + 1)) {
        culprits.push(describe(el) + " overflows to " + el.scrollWidth + "px");
      }
      if (culprits.length >= 3) break;
    }
    problems.push(`document is ${doc.scrollWidth}px wide (viewport ${viewport}px): ${culprits.join("; ")}`);
  }
  // A box that scrolls sideways inside the page is sideways scrolling too (unless it says so).
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("[data-scrolls]") || el.matches("textarea, pre, code, select")) continue;
    const overflowX = getComputedStyle(el).overflowX;
    if ((overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1 && isShown(el)) {
      problems.push(`${describe(el)} scrolls sideways (${el.scrollWidth}px in ${el.clientWidth}px)`);
    }
  }
  for (const el of document.querySelectorAll(selector)) {
    if (!isShown(el)) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width < minTarget - 0.5 || rect.height < minTarget - 0.5) {
      problems.push(`${describe(el)} is ${Math.round(rect.width)}×${Math.round(rect.height)}px, under ${minTarget}×${minTarget}`);
    }
  }
  // An empty choice says what it means ("No territory"), never Django's "---------".
  for (const select of document.querySelectorAll("select")) {
    if ([...select.options].some((option) => /^-{3,}$/.test(option.text.trim()))) {
      problems.push(`${describe(select)} offers "---------" (name what the empty choice means)`);
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (text.length < 3 || !node.parentElement || !isShown(node.parentElement)) continue;
    range.selectNodeContents(node);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    if (lines.length < 3) continue;
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize) || 16;
    if (lines.every((r) => r.width < size * 1.6)) {
      problems.push(`text runs one character per line: "${text.slice(0, 20)}" in ${describe(node.parentElement)}`);
    }
  }
  return problems;

  function isShown(el) {
    if (!el.getClientRects().length) return false;
    const style = getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none";
  }
  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + [...el.classList].join(".");
    if (el.tagName === "SELECT") return name;
    const label = (el.innerText || el.value || "").trim().slice(0, 20);
    return label ? `${name} "${label}"` : name;
  }
}
"""


def phone_problems(page) -> list[str]:
    """Why the page in `page` does not fit a 375 px phone (empty when it does)."""
    # Measured with its stylesheets: text already in the page does not mean they are
    # applied (a loaded machine showed a button 17 px high before Pico arrived).
    page.wait_for_load_state("load")
    return page.evaluate(_CHECK, [PRIMARY_ACTIONS, MIN_TARGET])


LONG_NAME = "城南国际小商品批发市场东区三楼" * 20  # 300 characters, as a real list had


def crowd(people) -> dict[str, str]:
    """A realistic, unkind data set for the walk and the screenshots: long names, every stage,
    visits, promises, meals, a territory, and an import with bad rows. Returns extra URLs."""
    from datetime import timedelta

    from django.utils import timezone

    from prospects.models import ImportBatch, Stage
    from tests.prospects.factories import (
        make_hospitality,
        make_promise,
        make_prospect,
        make_territory,
        make_visit,
    )

    today = timezone.localdate()
    owner = people.owner
    territory = make_territory(
        branch=owner.branch, name="城南小商品批发市场（东区、西区及地下一层）", managers=[owner]
    )
    busy = make_prospect(
        owner,
        name="鑫源服装商行",
        territory=territory,
        stage=Stage.CONTACTED,
        contact_name="王伟",
        address="城南批发市场A区12号，靠近东门停车场入口处的第三间铺面",
        next_action="带结算产品说明再访，约老板娘一起谈流动资金贷款",
        next_action_date=today - timedelta(days=2),
    )
    make_visit(busy, outcome="turned_away", learned="门卫说财务经理每周三在店", next_step="再访")
    make_visit(busy, outcome="met_decision_maker", met_whom="王伟（老板）", learned="旺季备货")
    make_promise(busy, description="一周内答复提额申请并送来结算产品说明")
    make_promise(busy, description="月底前上门讲解", due_on=today - timedelta(days=1))
    make_hospitality(busy)
    # As long as the columns allow (PostgreSQL refuses more; the import file holds 300).
    long = make_prospect(
        owner,
        name=LONG_NAME[:200],
        territory=territory,
        next_action=LONG_NAME[:200],
        next_action_date=today,
    )
    make_hospitality(long)
    for stage in Stage.values:
        make_prospect(owner, stage=stage, territory=territory)
    bad_rows = (
        "商户名称,手机,月销售额\n"
        + f"{LONG_NAME},13812345678,12\n,139,1\n宏达五金,12345{'6' * 200},x\n"
    )
    batch = ImportBatch.objects.create(
        created_by=owner,
        owner=owner,
        territory=territory,
        file_name="会员名单（2026年11月城南小商品批发市场东区）.csv",
        data=bad_rows.encode(),
    )
    return {
        "busy": busy.get_absolute_url(),
        "long": long.get_absolute_url(),
        "territory": territory.get_absolute_url(),
        "import": f"/prospects/import/{batch.pk}/",
    }
