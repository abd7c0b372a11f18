//! Properties of the vocabulary layer: whatever words come, `interpret` does not panic, and an
//! error still carries the examples to suggest.

use super::grammar_edge_tests::piece;
use super::interpret;
use proptest::prelude::*;

/// Words the vocabulary layer reads, and migration-name shapes.
const FREE: &[&str] = &[
    "need",
    "needs",
    "should",
    "must",
    "have",
    "has",
    "many",
    "default",
    "defaults",
    "is",
    "be",
    "not",
    "no",
    "longer",
    "required",
    "optional",
    "unique",
    "belongs",
    "belong",
    "get",
    "rid",
    "of",
    "enum",
    "with",
    "values",
    "timestamps",
    "index",
    "reference",
    "referencing",
    "store",
    "we",
    "i",
    "want",
    "to",
    "join",
    "table",
    "between",
    "called",
    "named",
    "column",
    "can",
    "cannot",
    "null",
    "AddXToY",
    "RemoveXFromY",
    "AddIndexToTasksState",
    "CreateJoinTableAB",
    "add_x_to_y",
    "AddIndexOn",
    "x:string",
    "ForeignKey",
    "CharField(max_length=5)",
];

fn free_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(FREE).prop_map(str::to_string),
        piece(),
    ]
}

proptest! {
    #[test]
    fn interpret_never_panics(
        pieces in proptest::collection::vec(free_piece(), 0..14),
        with_tables in any::<bool>(),
    ) {
        let src = pieces.join(" ");
        let tables: Vec<String> = if with_tables {
            vec!["tasks".into(), "users".into(), "a".into(), "b".into()]
        } else {
            vec![]
        };
        if let Err(e) = interpret(&src, &tables) {
            prop_assert!((2..=4).contains(&e.suggestions.len()), "{src}: {e:?}");
        }
    }
}
