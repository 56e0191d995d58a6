"""Practice mode in headless Chromium: each frame hides its result until the learner answers it; hints, slips,
"show me", the counter and the summary; keyboard only; the options a teacher sets."""

import re

import numpy as np
import pytest

from autograd_mini import Value
from autograd_mini.notes_graph import logistic_graph
from test_viz_html import browser, frames_of, text  # noqa: F401  (the browser fixture)
from viz import all_steps, step_through, step_through_html
from viz._format import fmt_number
from viz_nets import deep_net_cost, diamond

# every text a learner can see or hear: rendered text nodes, tooltips (SVG titles, xlink:title, title), aria-labels
SEEN = """
var out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walk.nextNode()) {
  var el = walk.currentNode.parentElement;
  if (!el || el.closest('script, style, noscript')) { continue; }
  var s = getComputedStyle(el);
  if (s.visibility !== 'visible' || s.display === 'none' || !el.getClientRects().length) { continue; }
  if (el.closest('[hidden]')) { continue; }
  if (el.tagName.toLowerCase() === 'title' && el.parentElement.closest('.hidden')) { continue; }
  out.push(walk.currentNode.textContent);
}
document.querySelectorAll('*').forEach(function (el) {
  ['xlink:title', 'title', 'aria-label'].forEach(function (a) { var v = el.getAttribute(a); if (v) { out.push(v); } });
  if (el.tagName === 'INPUT' && el.type === 'text') { out.push(el.value); }
});
return out.join('\\n');"""
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def tokens(values) -> set:
    """How the page writes each entry of ``values``: 3 and 4 significant digits (nodes and frames)."""
    return {fmt_number(v, p) for v in np.ravel(np.asarray(values, dtype=float)) for p in (3, 4)}


def results(root) -> list:
    """Autodiff's result of each frame, from the engine (not from the page): data forward, grad backward."""
    return [np.asarray(s.node.data if s.kind == "forward" else s.node.grad, dtype=float) for s in all_steps(root)]


def open_practice(browser, root, path, **options):  # noqa: F811
    step_through_html(root, path, title="Practice", practice=True, **options)
    browser.get(path.as_uri())
    return frames_of(path.read_text(encoding="utf-8"))


def goto(page, k: int):
    """Frame ``k`` (0-based), by the step slider."""
    page.execute_script("var s = document.getElementById('slider'); s.value = arguments[0];"
                        "s.dispatchEvent(new Event('input'))", k + 1)


def type_answer(page, values, keys: bool = False):
    """Type ``values`` into the frame's fields and press Enter (really, on the last field)."""
    from selenium.webdriver.common.keys import Keys

    fields = page.find_elements("css selector", "input.answer")
    values = [fmt_number(v, 6) if not isinstance(v, str) else v for v in np.ravel(values)]
    assert len(fields) == len(values)
    for field, value in zip(fields, values):
        if keys:
            field.clear()
            field.send_keys(value)
        else:
            page.execute_script("arguments[0].value = arguments[1];"
                                "arguments[0].dispatchEvent(new Event('input'))", field, value)
    fields[-1].send_keys(Keys.ENTER)


def secrets(frames, answers, revealed, known) -> set:
    """The numbers of the frames not yet revealed that no revealed frame or graph input also shows."""
    hidden = set()
    for k, frame in enumerate(frames):
        if "practice" in frame and k not in revealed:
            hidden |= tokens(answers[k])
    return hidden - known - {"0", "1", "-1"}


def known_tokens(root, frames, answers, revealed) -> set:
    known = set()
    for node in root.topo_order():
        if node._op is None:
            known |= tokens(node.data)
    for k in revealed:
        known |= tokens(answers[k])
    return known


@pytest.mark.parametrize("which", ["notes", "deepnet"])
def test_each_result_hides_until_answered_and_the_summary_counts(browser, tmp_path, which):  # noqa: F811
    root = logistic_graph() if which == "notes" else deep_net_cost()[0]
    root.backward()
    frames = open_practice(browser, root, tmp_path / f"{which}.html")
    answers = results(root)
    assert all("practice" in f for f in frames) and len(frames) == len(answers)
    revealed, first, again = set(), 0, []
    for k, frame in enumerate(frames):
        assert text(browser, "counter").endswith(f"(frame {k + 1} / {len(frames)})")
        hidden = secrets(frames, answers, revealed, known_tokens(root, frames, answers, revealed))
        seen = set(NUMBER.findall(browser.execute_script(SEEN)))
        assert not hidden & seen, (k, sorted(hidden & seen))
        assert text(browser, "text").startswith("Your turn: ")
        if k % 3 == 1:  # a wrong answer: a hint, and still no result
            type_answer(browser, answers[k] * 3 + 0.7)
            assert text(browser, "feedback").startswith("Not yet")
            assert "hint 1 of " in text(browser, "text") and "Hint 1 of" in text(browser, "feedback")
            seen = set(NUMBER.findall(browser.execute_script(SEEN)))
            assert not hidden & seen, (k, sorted(hidden & seen))
            again.append(frame["practice"]["ask"])
        if k % 3 == 2:  # "show me" (S)
            browser.find_element("tag name", "body").send_keys("s")
            assert text(browser, "feedback").startswith("Shown")
            again.append(frame["practice"]["ask"])
        else:
            type_answer(browser, answers[k], keys=k < 2)
            assert text(browser, "feedback").startswith("Right"), text(browser, "feedback")
            first += k % 3 == 0
        revealed.add(k)
        assert text(browser, "text") == frame["text"]  # revealed as the normal page shows it
        if k < len(frames) - 1:
            browser.find_element("id", "go").click()
    done = len(frames)
    assert text(browser, "score").startswith(f"right the first time (no hint): {first} of {done} answered")
    summary = text(browser, "summary")
    assert f"All {done} done: {first} right the first time, {done - first} to practise again." in summary
    listed = [b.text.split(" (")[0] for b in browser.find_elements("css selector", "#summary button")]
    assert listed == again


def test_slips_are_named_and_a_node_used_twice_gets_the_sum_of_both_terms(browser, tmp_path):  # noqa: F811
    L = logistic_graph()
    L.backward()
    frames = open_practice(browser, L, tmp_path / "notes.html", practice_scope="backward")
    dz = next(k for k, f in enumerate(frames) if f.get("practice", {}).get("ask") == "dz")
    goto(browser, dz)
    z = L.parents[0].parents[0]
    a = L.parents[0]
    type_answer(browser, -z.grad)
    assert "Sign flipped" in text(browser, "feedback")
    type_answer(browser, a.data * (1 - a.data))  # ∂a/∂z alone, without da
    assert "The local derivative alone: that is ∂a/∂z = a(1 - a); multiply it by the upstream gradient da" \
        in text(browser, "feedback")
    assert "hint 2 of 3: the local derivative ∂a/∂z = a(1 - a); so dz = da · a(1 - a)" in text(browser, "text")
    assert "dz gets one term, from a: dz = da · ∂a/∂z" in text(browser, "text")
    type_answer(browser, 5.0)  # no slip: only the next hint, the numbers plugged in
    assert "hint 3 of 3: dz = (-1.905) · 0.525 · (1 - 0.525)" in text(browser, "text")
    assert fmt_number(z.grad, 4) not in text(browser, "text")

    # a feeds b = a·3 and c = a + 1: da = db·3 + dc; one term alone is the missing-term slip
    d = diamond()
    d.backward()
    frames = open_practice(browser, d, tmp_path / "diamond.html", practice_nodes=["a"])
    asked = [k for k, f in enumerate(frames) if "practice" in f]
    assert [frames[k]["practice"]["ask"] for k in asked] == ["da"]  # a is data-less: only its gradient
    goto(browser, asked[0])
    b, c = d.parents
    type_answer(browser, b.grad * 3)
    assert "A missing term: a feeds two nodes; its gradient is the sum of both terms" in text(browser, "feedback")

    # x·x + x: x is used twice by x·x and once by the sum
    x = Value(3.0, label="x")
    f = x * x + x
    f.label = "f"
    f.backward()
    frames = open_practice(browser, f, tmp_path / "square.html", practice_nodes=["x"])
    goto(browser, next(k for k, fr in enumerate(frames) if "practice" in fr))
    type_answer(browser, 2 * x.data)  # both terms of x·x, the sum's left out
    assert "A missing term: x feeds two nodes; its gradient is the sum of all three terms" in text(browser, "feedback")
    type_answer(browser, x.data + 1)  # one use of x·x left out
    assert "sum of all three terms" in text(browser, "feedback")
    type_answer(browser, 7)
    assert text(browser, "feedback").startswith("Right")


def test_a_factor_m_is_named_and_the_closed_forms_are_answered_as_the_notes_write_them(browser, tmp_path):  # noqa: F811
    J, net = deep_net_cost()
    J.backward()
    m = 8
    Z3 = net.cache["Z3"]
    frames = open_practice(browser, J, tmp_path / "backward.html", practice_scope="backward")
    assert not any("practice" in f for f in frames if f["pass"] == "forward")
    assert text(browser, "text") == frames[0]["text"]  # a forward frame is shown as worked out
    k = next(k for k, f in enumerate(frames) if f.get("practice", {}).get("ask") == "∂J/∂Z3")
    goto(browser, k)
    type_answer(browser, Z3.grad * m)  # the notes' per-example dZ3, not autodiff's ∂J/∂Z3
    said = text(browser, "feedback")
    assert "A factor m: your answer is m = 8 times ∂J/∂Z3" in said and "the notes' per-example dZ3" in said
    type_answer(browser, Z3.grad)
    assert text(browser, "feedback").startswith("Right")

    frames = open_practice(browser, J, tmp_path / "closed.html", practice_scope="closed forms")
    asked = [f["practice"]["ask"] for f in frames if "practice" in f]
    assert asked == ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    k = next(k for k, f in enumerate(frames) if "practice" in f)
    goto(browser, k)
    assert text(browser, "text").startswith("Your turn: the notes' dZ3 = A3 - Y = ?  (one column per example, "
                                            "no 1/m; shape (1, 8): one field per entry)")
    type_answer(browser, Z3.grad)  # autodiff's ∂J/∂Z3 = dZ3/m
    assert "A factor 1/m: that is autodiff's ∂J/∂Z3 = dZ3/m" in text(browser, "feedback")
    assert "hint 1 of 4: the notes' dZ3 is per example, without the 1/m of J = (1/m) Σ L: dZ3 = m · ∂J/∂Z3, m = 8" \
        in text(browser, "text")
    Z3_node, Y = J.parents  # the fused cost J(Z3, Y)
    assert Z3_node is Z3
    dZ3 = 1 / (1 + np.exp(-Z3.data)) - Y.data
    type_answer(browser, dZ3)  # the notes' dZ3 = A3 - Y, worked out by hand
    assert text(browser, "feedback").startswith("Right")
    revealed = text(browser, "text")  # autodiff's ∂J/∂Z3, and the notes' dZ3 the learner typed with the relation
    assert "the notes' dZ3 = A3 - Y = m · ∂J/∂Z3 (m = 8), the value asked:" in revealed, revealed
    shown = revealed.split("the value asked:")[1].strip().strip("[]").split()
    np.testing.assert_allclose([float(v) for v in shown], dZ3.ravel(), atol=1e-3)
    browser.find_element("id", "go").click()  # dW3: the notes' dW3 is autodiff's
    type_answer(browser, net.parameters["W3"].grad)
    assert text(browser, "feedback").startswith("Right")


def test_keyboard_only_labelled_fields_and_announced_feedback(browser, tmp_path):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    L = logistic_graph()
    L.backward()
    frames = open_practice(browser, L, tmp_path / "keys.html")
    body = browser.find_element("tag name", "body")
    for _ in range(40):  # Tab reaches the field
        body.send_keys(Keys.TAB) if _ == 0 else browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute("id") == "answer0":
            break
    field = browser.switch_to.active_element
    assert field.get_attribute("id") == "answer0"
    assert field.get_attribute("aria-label") == "your value of z"
    assert browser.find_element("id", "feedback").get_attribute("aria-live") == "polite"
    z = L.parents[0].parents[0]
    field.send_keys("0.3", Keys.ENTER)  # Enter checks
    assert text(browser, "feedback").startswith("Not yet")
    field.send_keys("h")  # H: the next hint, even from the field (a number needs no letter h)
    assert "hint 2 of 2" in text(browser, "text")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(fmt_number(z.data, 4), Keys.ENTER)
    assert text(browser, "feedback").startswith("Right")
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # Enter once revealed: the next frame, its field
    assert text(browser, "counter").startswith("forward pass 2 / 3")
    assert browser.switch_to.active_element.get_attribute("id") == "answer0"
    browser.switch_to.active_element.send_keys("s")  # S: show me
    assert text(browser, "feedback").startswith("Shown") and text(browser, "text") == frames[1]["text"]
    browser.switch_to.active_element.send_keys("n")  # N: the next frame
    assert text(browser, "counter").startswith("forward pass 3 / 3")
    assert browser.execute_script("return document.getElementById('answer0').getAttribute('aria-label')") \
        == "your value of L"
    assert text(browser, "score").startswith("right the first time (no hint): 0 of 2 answered, 7 of 9 to go")


def test_a_tensor_of_more_than_32_entries_asks_for_its_largest_entry(browser, tmp_path):  # noqa: F811
    J, net = deep_net_cost(m=10)
    J.backward()
    frames = open_practice(browser, J, tmp_path / "wide.html", practice_nodes=["Z1"])
    Z1 = net.cache["Z1"]
    k = next(k for k, f in enumerate(frames) if "practice" in f)
    goto(browser, k)
    q = frames[k]["practice"]
    row, col = np.unravel_index(np.argmax(np.abs(Z1.data)), Z1.data.shape)
    assert q["entry"] == [row, col] and len(q["answer"]) == 1
    assert f"of its 40 entries, answer the one at row {row + 1}, column {col + 1}" in q["question"]
    fields = browser.find_elements("css selector", "input.answer")
    assert len(fields) == 1
    assert fields[0].get_attribute("aria-label") == f"your value of Z1, row {row + 1}, column {col + 1}"
    type_answer(browser, Z1.data[row, col])
    assert text(browser, "feedback").startswith("Right")


def test_the_options_refuse_what_cannot_mean_anything():
    L = logistic_graph()
    L.backward()
    with pytest.raises(ValueError, match="pass practice=True"):
        step_through(L, practice_scope="backward")
    with pytest.raises(ValueError, match="practice_scope must be one of 'all', 'backward', 'closed forms'"):
        step_through(L, practice=True, practice_scope="forward")
    with pytest.raises(ValueError, match="edge_derivatives"):
        step_through(L, practice=True, edge_derivatives=True)
    with pytest.raises(ValueError, match="practice_nodes names no node q; the graph's nodes with a frame: z, a, L"):
        step_through(L, practice=True, practice_nodes=["q"])
    x = Value(3.0, label="x")
    f = x * x + x
    f.backward()
    with pytest.raises(ValueError, match="nothing to practise: the graph has not one gradient the notes have a "
                                         "closed form for"):
        step_through(f, practice=True, practice_scope="closed forms")
    page = step_through(L, practice=True, practice_nodes=["z"])
    asked = [fr["practice"]["ask"] for fr in frames_of(page.html) if "practice" in fr]
    assert asked == ["z", "dz"]
    # the static fallback a viewer without scripts shows hides every practised result
    assert page._repr_mimebundle_()["image/svg+xml"].count("visibility: hidden") == 1
    assert "#a_v5, #a_g5" in page._repr_mimebundle_()["image/svg+xml"]


def test_a_regularised_net_practises_every_frame_and_its_weights_gradient_has_two_terms():
    from test_viz_teaching import deep_net_cost_l2

    J = deep_net_cost_l2()
    J.backward()
    frames = frames_of(step_through(J, practice=True).html)
    assert all("practice" in f for f in frames)
    seed = next(f["practice"] for f in frames if f["pass"] == "backward")
    assert seed["ask"] == "∂J/∂J" and [s["says"].split(":")[0] for s in seed["slips"]] == ["Sign flipped"]
    dW1 = next(f["practice"] for f in frames if f["pass"] == "backward" and f["practice"]["ask"] == "dW1")
    assert dW1["hints"][0].startswith("dW1 gets two terms, one for each use, from Z1 and ")
    says = [s["says"] for s in dW1["slips"]]
    assert any(s.startswith("A missing term: W1 feeds two nodes; its gradient is the sum of both terms") for s in says)
    assert any(s.startswith("A factor m: your answer is m = 8 times dW1") for s in says)


def test_the_static_fallback_of_a_practice_page_hides_what_it_asks_in_the_svg_and_the_png():
    """An untrusted notebook shows the PNG: a value it asks for must be blank there too."""
    import base64
    import io

    from PIL import Image

    L = logistic_graph()
    L.backward()
    practice, normal = step_through(L, practice=True)._repr_mimebundle_(), step_through(L)._repr_mimebundle_()
    svg = practice["image/svg+xml"]
    hidden = re.search(r"<style>(.*?) \{ visibility: hidden; \}</style>", svg).group(1).split(", ")
    width, height = (float(v) for v in re.search(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"', svg).groups())
    dx, dy = (float(v) for v in re.search(r'class="graph" transform="[^"]*translate\(([-\d.]+) ([-\d.]+)\)', svg).groups())

    def ink(png: str, cell: str) -> int:
        """Dark pixels where the cell's text is drawn."""
        image = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("L"), dtype=float)
        scale = image.shape[1] / width
        x, y = (float(v) for v in re.search(rf'<g id="{cell[1:]}">.*?<text[^>]* x="([-\d.]+)" y="([-\d.]+)"', svg,
                                            re.S).groups())
        top, left = int((y + dy - 9) * scale), int((x + dx) * scale)
        return int(np.sum(image[top:int((y + dy + 2) * scale), left:int((x + dx + 20) * scale)] < 100))

    drawn = [cell for cell in hidden if f'<g id="{cell[1:]}">' in svg]  # a_a<i>: a cost's A row, none here
    assert len(drawn) >= 9
    for cell in drawn:
        assert ink(normal["image/png"], cell) > 0, cell   # the normal page's picture shows the number
        assert ink(practice["image/png"], cell) == 0, cell  # the practice page's leaves it blank


def test_a_hint_names_only_the_values_the_graph_shows_and_where_a_skipped_one_is_asked(browser, tmp_path):  # noqa: F811
    """A learner who pressed Next through earlier frames: the hint must not send them to blank nodes."""
    from test_viz_teaching import deep_net_cost_l2

    J = deep_net_cost_l2()
    J.backward()
    frames = open_practice(browser, J, tmp_path / "l2.html")
    asked = {f["practice"]["ask"]: k for k, f in enumerate(frames) if "practice" in f and f["pass"] == "backward"}
    dW3, dZ3, dR = asked["dW3"], asked["∂J/∂Z3"], asked["∂J/∂R"]
    goto(browser, dW3)
    for _ in range(3):
        browser.find_element("id", "hint").click()
    said = text(browser, "text")
    assert "are on the graph" not in said, said
    for name, k in (("∂J/∂Z3", dZ3), ("∂J/∂R", dR)):
        assert f"{name} is not on the graph yet: frame {k + 1} asks it and it is not answered" in said, said
    goto(browser, dZ3)
    browser.find_element("id", "showme").click()
    goto(browser, dW3)
    said = text(browser, "text")
    assert "the values of ∂J/∂Z3 are on the graph (hover or Tab to a node for every entry)" in said, said
    assert f"∂J/∂R is not on the graph yet: frame {dR + 1} asks it" in said and "∂J/∂Z3 is not on" not in said
    # what the hint says is what the graph shows: ∂J/∂Z3's cell is visible now, ∂J/∂R's is not
    hidden = browser.execute_script("return Array.from(document.querySelectorAll('#stage .hidden'))"
                                    ".map(function (e) { return e.id; })")
    assert f"a_g{frames[dZ3]['node']}" not in hidden and f"a_g{frames[dR]['node']}" in hidden


def test_closed_forms_hints_stay_in_the_notes_quantities(browser, tmp_path):  # noqa: F811
    """Following the hints of a closed form gives the notes' value, not autodiff's (which is 1/m of it)."""
    J, net = deep_net_cost()
    J.backward()
    frames = open_practice(browser, J, tmp_path / "closed.html", practice_scope="closed forms")
    asked = {f["practice"]["ask"]: k for k, f in enumerate(frames) if "practice" in f}
    goto(browser, asked["dA2"])
    browser.find_element("id", "showme").click()
    goto(browser, asked["dZ2"])
    for _ in range(4):
        browser.find_element("id", "hint").click()
    said = text(browser, "text")
    assert f"hint 2 of 4: dZ2 = dA2 ∗ g′(Z2), with the notes' dA2 from frame {asked['dA2'] + 1} (= m · ∂J/∂A2)" \
        in said, said
    assert "hint 4 of 4: with m = 8: dZ2 = (8 · ∂J/∂A2) ∗ g′(Z2); elementwise, (3, 8); the values of ∂J/∂A2 are on " \
           "the graph" in said, said
    assert "∂J/∂Z2 = ∂J/∂A2" not in said and "∂A2/∂Z2" not in said  # autodiff's chain, whose answer is dZ2/m
    Z2, A2 = net.cache["Z2"], net.cache["A2"]
    type_answer(browser, 8 * A2.grad * (Z2.data >= 0))  # what hint 4 says, worked out
    assert text(browser, "feedback").startswith("Right")
    goto(browser, asked["dZ3"])
    browser.find_element("id", "hint").click()
    browser.find_element("id", "hint").click()
    browser.find_element("id", "hint").click()
    browser.find_element("id", "hint").click()
    said = text(browser, "text")
    assert "hint 4 of 4: with the numbers: dZ3 = A3 - Y = [0.5 - 1, " in said and "{values}" not in said, said


def test_the_costs_numbers_hint_writes_the_numbers():
    """A hint that says "with the numbers" gives them: the regulariser's λ, m and each ‖W[l]‖²_F, the
    cross-entropy's term per example."""
    from test_viz_teaching import deep_net_cost_l2

    J = deep_net_cost_l2()
    J.backward()
    frames = frames_of(step_through(J, practice=True).html)
    hints = {f["name"]: f["practice"]["hints"] for f in frames if f["pass"] == "forward"}
    CE, R = J.parents
    W = [p for p in R.parents]
    norms = " + ".join(fmt_number(float((w.data ** 2).sum()), 4) for w in W)
    assert hints["R"][1] == (f"with the numbers: R = (0.7/(2·8)) · (‖W1‖²_F + ‖W2‖²_F + ‖W3‖²_F) = (0.7/16) · "
                             f"({norms}) = 0.04375 · {fmt_number(sum(float((w.data ** 2).sum()) for w in W), 4)}")
    A3 = 1 / (1 + np.exp(-CE.parents[0].data))
    Y = CE.parents[1].data
    terms = [f"log {fmt_number(a, 4)}" if y == 1 else f"log(1 - {fmt_number(a, 4)})" for a, y in zip(A3.ravel(), Y.ravel())]
    assert hints["CE"][1] == ("with the numbers (log a where y = 1, log(1 - a) where y = 0): CE = -(1/8) · ("
                              + " + ".join(terms) + ")")
    # the terms add up to the cost the frame asks
    assert np.isclose(-np.mean(np.where(Y == 1, np.log(A3), np.log(1 - A3))), CE.data)


def test_practice_scope_takes_the_command_lines_spelling_too():
    """`closed-forms` on the command line, "closed forms" in Python: both spellings work in Python."""
    J, _ = deep_net_cost()
    J.backward()
    asked = [[f["practice"]["ask"] for f in frames_of(step_through(J, practice=True, practice_scope=scope).html)
              if "practice" in f] for scope in ("closed forms", "closed-forms")]
    assert asked[0] == asked[1] == ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]
    with pytest.raises(ValueError, match="practice_scope must be one of .* got 'closed_forms'"):
        step_through(J, practice=True, practice_scope="closed_forms")


def test_the_output_dz_hint_writes_a_matrix_row_by_row():
    """A softmax output's dZ2 = A2 - Y (3 classes × m) with the numbers, a row of the matrix per ';'."""
    from viz_nets import softmax_cost

    J = softmax_cost()
    J.backward()
    q = next(f["practice"] for f in frames_of(step_through(J, practice=True, practice_scope="closed forms").html)
             if "practice" in f)
    Z2, Y = J.parents
    A2 = np.exp(Z2.data) / np.exp(Z2.data).sum(axis=0)
    rows = q["hints"][3].split(" = A2 - Y = [")[1].rstrip("]").split("; ")
    assert len(rows) == 3
    for row, a, y in zip(rows, A2, Y.data):
        pairs = [pair.split(" - ") for pair in row.split(", ")]
        np.testing.assert_allclose([float(x) for x, _ in pairs], a, rtol=1e-3)
        assert [float(t) for _, t in pairs] == list(y)
