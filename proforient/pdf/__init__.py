"""PDF toolkit: the shipped Cyrillic font, A4 pages in Russian office conventions, text that
is always escaped, ruled tables and bar charts.

Features and reports build documents with it; it knows nothing about them. Every piece of
text that reaches a page goes through `text.para` (or `text.escape`), because ReportLab
reads Paragraph text as markup: `a<b` would break the document and `<img src=…>` would make
the server open a file.
"""
