"""Taking the merchant to a field: scrolled into the middle of the screen and focused (its
first control when the element is a group, such as radio cards or a drop zone)."""

import json

import reflex as rx
from reflex.event import EventSpec

#: Run after the page has drawn the errors that came with the same answer.
_SCRIPT = """setTimeout(() => {{
  const element = document.getElementById({element_id});
  if (!element) return;
  const controls = "input:not([type=hidden]):not([disabled]), textarea, select, "
    + "button:not([disabled]), [tabindex]:not([tabindex='-1'])";
  const target = element.matches(controls) ? element
    : (element.querySelector(controls) || element);
  target.scrollIntoView({{block: "center"}});
  target.focus({{preventScroll: true}});
}}, 60)"""


def focus_on(element_id: str) -> EventSpec:
    return rx.call_script(_SCRIPT.format(element_id=json.dumps(element_id)))
