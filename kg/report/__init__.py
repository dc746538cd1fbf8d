"""The synthesis report: gathered from the store by named queries (gather), cited by citeproc-py (cite),
stamped with the dataset's version (version), written as HTML, Markdown or .docx (html, markdown, docx)."""
