from core.widgets import option_tags


def test_options_escape_values_and_labels_and_mark_the_selected():
    html = option_tags([(1, "<b>Li & Co</b>"), ('2"', "Wang")], selected=['2"'])
    assert html == (
        '<option value="1">&lt;b&gt;Li &amp; Co&lt;/b&gt;</option>'
        '<option value="2&quot;" selected>Wang</option>'
    )
