"""ketnoi's pure core: the domain, the interchange formats, the solver and its checker.

Nothing here touches the web or a database; see docs/architecture.md.
"""
