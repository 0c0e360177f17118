"""Sphinx configuration for the course's website (`make site`, built by tools/site.py).

The notebooks are rendered with their recorded outputs (myst-nb, nothing is executed) in
the sphinx-book-theme (Jupyter Book's theme). Every asset is local: the theme's files,
Sphinx's search index, and MathJax 2 copied from the pinned jupyter-server-mathjax wheel
into _static/mathjax by tools/site.py. The page opens from file:// with no network.
"""

project = "Gradient descent, from a hand-written loop to nn.Module"
author = "the course's authors"
copyright = "the course's authors"  # noqa: A001 (Sphinx's name)

extensions = ["myst_nb", "sphinx.ext.githubpages"]  # githubpages: writes .nojekyll
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
language = "en"

# Notebooks: the recorded outputs, never re-executed.
nb_execution_mode = "off"
nb_merge_streams = True
nb_ipywidgets_js = {}  # never add require.js or the widget bundle from a CDN
# A widget's live view needs that bundle and a kernel: show its recorded still output instead.
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/javascript", None),
]
nb_code_prompt_show = "Show solution"  # the only collapsed cells are solutions (--solutions toggle)
nb_code_prompt_hide = "Hide solution"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # [term](glossary.md#learning-rate) links to the heading
suppress_warnings = ["myst.header"]  # the glossary's terms are ### under its # title

# Math: MathJax 2 from _static/mathjax (relative to _static), HTML-CSS output, local fonts.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web",
                 "imageFont": None, "linebreaks": {"automatic": True},
                 # MathJax's blank test font is url('about:blank'), which Chromium reports as a
                 # blocked cross-origin font on file://; local() asks nothing of the network.
                 "styles": {"@font-face": {"font-family": "MathJax_Blank",
                                           "src": "local('MathJax_Blank')"}}},
    # The hidden MathML that MathJax adds for screen readers asks for TeX fonts that the
    # wheel does not ship (TeX/otf): let it use the system's fonts instead of a missing file.
    "NativeMML": {"styles": {
        f"@font-face /*{number}*/": {"font-family": family, "src": f"local('{family}')", **weight}
        for number, family, weight in [
            (1, "MathJax_Caligraphic-WEB", {}), (2, "MathJax_Caligraphic-WEB", {"font-weight": "bold"}),
            (3, "MathJax_AMS-WEB", {}), (4, "MathJax_Script-WEB", {}),
            (5, "MathJax_Fraktur-WEB", {}), (6, "MathJax_Fraktur-WEB", {"font-weight": "bold"}),
        ]
    }},
    "menuSettings": {"locale": "en"},
    "messageStyle": "none",
}

html_theme = "sphinx_book_theme"
html_title = "Gradient descent course"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
}
html_last_updated_fmt = None
html_copy_source = False  # no _sources/: search snippets would fetch() them, which file:// refuses
html_show_sourcelink = False
html_show_search_summary = False  # summaries fetch() each page, which file:// refuses
html_context = {"default_mode": "light"}  # figures are drawn on white
myst_update_mathjax = False  # myst's processHtmlClass is MathJax 3 config; MathJax 2 reads \( \) itself
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_use_index = False  # no general index: the course has no index entries
