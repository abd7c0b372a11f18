//! Example forms offered when a description is not understood: chosen by the clause's verb (or
//! the form being read, e.g. "add index"), or, for an unknown verb, by the verb it most
//! resembles.

use super::lexer::VERBS;

/// Examples per topic, best first.
const TOPICS: &[(&str, &[&str])] = &[
    (
        "add",
        &[
            "add email_verified to users",
            "add column phone varchar(20) to users",
            "add users.bio:text",
            "add index on users(email)",
        ],
    ),
    (
        "add index",
        &[
            "add index on users(email)",
            "add unique index on users(email)",
            "add index idx_posts_user on posts(user_id, created_at)",
            "add gin index on posts(tags)",
        ],
    ),
    (
        "add foreign key",
        &[
            "add foreign key from posts.user_id to users.id on delete cascade",
            "add foreign key on posts(user_id) references users(id)",
            "add reference to users on posts",
        ],
    ),
    (
        "add reference",
        &[
            "add reference to users on posts",
            "add references users to posts",
            "add reference to users on posts as author_id",
        ],
    ),
    (
        "add unique",
        &[
            "add unique constraint on users(email)",
            "add unique constraint users_email_key on users(email)",
            "add unique index on users(email)",
        ],
    ),
    (
        "add check",
        &[
            "add check constraint price >= 0 on products",
            "add check constraint positive_price (price >= 0) on products",
            "add check price >= 0 on products named positive_price",
        ],
    ),
    (
        "enum",
        &[
            "create enum post_status with draft, published",
            "create enum post_status (draft, published, archived)",
            "add value archived to enum post_status",
        ],
    ),
    (
        "create",
        &[
            "create table posts with title:string body:text user:references",
            "create posts (title varchar(200) not null, body text)",
            "create index on users(email)",
            "create enum post_status with draft, published",
        ],
    ),
    (
        "remove",
        &[
            "remove email_verified from users",
            "remove index on users.email",
            "remove default from users.status",
            "remove foreign key posts.user_id",
        ],
    ),
    (
        "drop",
        &[
            "drop column x from users",
            "drop table posts",
            "drop index idx_users_email",
            "drop constraint users_email_key on users",
        ],
    ),
    (
        "drop index",
        &[
            "drop index idx_users_email",
            "remove index on users.email",
            "remove index on posts(user_id, created_at)",
        ],
    ),
    (
        "drop foreign key",
        &[
            "remove foreign key posts.user_id",
            "drop foreign key fk_posts_user on posts",
        ],
    ),
    (
        "drop constraint",
        &[
            "drop constraint users_email_key on users",
            "drop constraint users_email_key from users",
        ],
    ),
    (
        "rename",
        &[
            "rename column old_name to new_name in users",
            "rename users.old_name to new_name",
            "rename table posts to articles",
        ],
    ),
    (
        "change",
        &[
            "change type of users.age to bigint",
            "change age in users to bigint using age::bigint",
            "alter users.age type bigint",
            "make users.email not null",
        ],
    ),
    (
        "make",
        &[
            "make users.email not null",
            "make users.email nullable",
            "make email in users required",
        ],
    ),
    (
        "allow",
        &[
            "allow null in users.email",
            "make users.email nullable",
            "make users.email not null",
        ],
    ),
    (
        "set",
        &[
            "set default of users.status to 'active'",
            "set default 'active' on users.status",
            "set users.status default to 'active'",
            "make users.email not null",
        ],
    ),
    (
        "default",
        &[
            "set default of users.status to 'active'",
            "remove default from users.status",
            "drop default on users.status",
        ],
    ),
    (
        "backfill",
        &[
            "backfill users.email_verified with true where confirmed_at is not null",
            "backfill email_verified in users with false",
            "backfill users.x = 1",
        ],
    ),
];

/// Verbs that share another verb's examples.
const ALIASES: &[(&str, &str)] = &[
    ("delete", "drop"),
    ("alter", "change"),
    ("modify", "change"),
    ("disallow", "make"),
    ("update", "backfill"),
];

/// Examples covering the most common forms.
pub(super) const GENERAL: &[&str] = &[
    "add email_verified to users",
    "remove email_verified from users",
    "rename users.old_name to new_name",
    "create table posts with title:string body:text",
];

/// The topic (for [`for_topic`]) of a clause starting with `verb`.
pub(super) fn topic_of(verb: &str) -> &'static str {
    let verb = ALIASES
        .iter()
        .find(|(alias, _)| *alias == verb)
        .map_or(verb, |(_, to)| to);
    TOPICS
        .iter()
        .find(|(t, _)| *t == verb)
        .map_or("general", |(t, _)| t)
}

/// Examples for a topic; general examples for an unknown one.
pub(super) fn for_topic(topic: &str) -> Vec<String> {
    let list = TOPICS
        .iter()
        .find(|(t, _)| *t == topic)
        .map_or(GENERAL, |(_, l)| l);
    list.iter().map(|s| s.to_string()).collect()
}

/// For a clause starting with an unknown word: the closest verb (if any is close) and 2–4
/// examples — that verb's first two and general ones.
pub(super) fn unknown_verb(word: &str) -> (Option<&'static str>, Vec<String>) {
    let lower = word.to_lowercase();
    let best = VERBS
        .iter()
        .map(|v| (strsim::jaro_winkler(&lower, v), *v))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<String> = Vec::new();
    let close = best.filter(|(score, _)| *score >= 0.8).map(|(_, v)| v);
    if let Some(verb) = close {
        out.extend(for_topic(topic_of(verb)).into_iter().take(2));
    }
    for g in GENERAL {
        if out.len() >= 4 {
            break;
        }
        if !out.iter().any(|o| o == g) {
            out.push(g.to_string());
        }
    }
    (close, out)
}
