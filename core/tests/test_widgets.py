from core.widgets import LongSelect, option_tags


def test_options_escape_values_and_labels_and_mark_the_selected():
    html = option_tags([(1, "<b>Li & Co</b>"), ('2"', "Wang")], selected=['2"'])
    assert html == (
        '<option value="1">&lt;b&gt;Li &amp; Co&lt;/b&gt;</option>'
        '<option value="2&quot;" selected>Wang</option>'
    )


def test_a_long_select_renders_like_a_select():
    widget = LongSelect(choices=[("", "---------"), (3, "Zhou Min")], attrs={"class": "x"})
    assert widget.render("owner", 3) == (
        '<select class="x" name="owner"><option value="">---------</option>'
        '<option value="3" selected>Zhou Min</option></select>'
    )
