"""Python mirrors of the Go code this toolkit teaches from.

Every public function or method that mirrors a Go symbol declares it with
:func:`reference_impl.mirrors.mirrors`, using the go/ssa name that
``golang.org/x/tools/cmd/callgraph`` prints.  That declaration pairs the Go
with the Python in notebooks and in the book, and lets a check report every
mirror whose Go symbol does not exist in the pinned corpus.
"""
