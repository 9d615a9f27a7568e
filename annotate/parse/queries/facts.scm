; Every construct the indexer records.  One query, run once per file; the
; capture name says which kind of fact the node produces.  Nesting (which
; function encloses a call) is worked out from byte positions.  Syntax errors
; (ERROR, MISSING) are matched by a second query, run only on trees that have
; them (goparse._errors_query).
(package_clause (package_identifier) @package)
(import_spec) @import
(function_declaration) @func
(method_declaration) @method
(type_spec) @type
(type_alias) @type
(func_literal) @funclit
(call_expression) @call
(short_var_declaration) @define
(var_spec) @var
(const_spec) @const
(assignment_statement) @assign
(range_clause) @range
(receive_statement) @receive
(return_statement) @return
(composite_literal) @comp
(type_switch_statement) @tswitch
; a call directly under these runs in "go" / "defer" mode
(go_statement) @go
(defer_statement) @defer
