//! The lookups the interpreter makes on nearly every statement, kept in hash maps so that
//! loading a dump or replaying a history stays linear in its size: which relation and
//! constraint names a namespace already holds (PostgreSQL's generated names must avoid
//! them), which columns own a serial sequence, and the domains and unmodelled relations
//! recorded in [`Schema::notes`].
//!
//! The index follows the schema it was built from through [`Lookup::touch`]: a statement that
//! may change a table's names, sequences or constraint order marks the table (by key), and
//! lookups re-read only the marked tables until the statement ends
//! ([`Lookup::end_statement`]). Notes only grow between lookups except where
//! the interpreter removes some, which it says with [`Lookup::notes_changed`] (or defers
//! through [`Lookup::drop_sequence_note`]). In debug builds every statement is followed by a
//! check that the index equals one built from scratch (for schemas of up to
//! [`VERIFY_UP_TO`] tables, so debug runs on large inputs stay usable).
//!
//! [`Schema::notes`]: crate::schema::Schema::notes

use super::coerce::Domains;
use super::names::{self, make_object_name, split_key};
use crate::schema::{Schema, Table};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Debug builds re-check the index after each statement on schemas up to this size.
pub(super) const VERIFY_UP_TO: usize = 200;

/// Kinds of relations the loader notes instead of modelling (see [`Lookup::unmodelled`]).
const UNMODELLED: [&str; 3] = [
    "CREATE VIEW",
    "CREATE MATERIALIZED VIEW",
    "CREATE TABLE … AS",
];

/// What one table contributes to the index.
#[derive(Debug, Clone, PartialEq, Default)]
struct TableNames {
    ns: String,
    relations: Vec<String>,
    constraints: Vec<String>,
    /// `(sequence key, column)` of each serial column.
    sequences: Vec<(String, String)>,
}

impl TableNames {
    fn of(t: &Table) -> TableNames {
        let mut relations = vec![t.name.clone()];
        relations.extend(t.indexes.iter().map(|i| i.name.clone()));
        relations.extend(t.primary_key.iter().map(|p| p.name.clone()));
        relations.extend(t.unique_constraints.iter().map(|u| u.name.clone()));
        relations.extend(t.exclusion_constraints.iter().map(|x| x.name.clone()));
        let mut sequences = Vec::new();
        for c in &t.columns {
            if let Some(s) = &c.serial_sequence {
                relations.push(split_key(s).1.to_string());
                sequences.push((s.clone(), c.name.clone()));
            }
            if c.identity.is_some() {
                // An identity column's sequence, by its default name.
                relations.push(make_object_name(&t.name, Some(&c.name), "seq"));
            }
        }
        // Sorted, so that re-sorting a table's constraints does not change what it holds.
        let mut constraints: Vec<String> = t.constraint_names().map(str::to_string).collect();
        relations.sort();
        constraints.sort();
        sequences.sort();
        TableNames {
            ns: t.schema.clone(),
            relations,
            constraints,
            sequences,
        }
    }
}

/// See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct Lookup {
    built: bool,
    per_table: HashMap<String, TableNames>,
    /// `(namespace, relation name)` → keys of the tables holding it.
    relations: HashMap<(String, String), Vec<String>>,
    /// `(namespace, constraint name)` → how many constraints have it.
    constraints: HashMap<(String, String), usize>,
    /// Sequence key → `(table key, column)` of the serial columns drawing from it.
    sequences: HashMap<String, Vec<(String, String)>>,
    /// Tables to re-read before the next lookup.
    dirty: BTreeSet<String>,
    /// Tables marked since [`Lookup::take_changed`] last ran.
    changed: BTreeSet<String>,
    /// How many notes have been read into `domains` and `unmodelled`.
    notes_seen: usize,
    notes_stale: bool,
    domains: Domains,
    unmodelled: HashSet<String>,
    /// `CREATE SEQUENCE` notes to remove (sequence key → notes count when it became owned).
    dead_sequence_notes: HashMap<String, usize>,
}

impl Lookup {
    /// A table (by key) may have changed: created, dropped, renamed, or its names altered.
    pub fn touch(&mut self, key: &str) {
        self.dirty.insert(key.to_string());
        self.changed.insert(key.to_string());
    }

    /// Notes were removed (not only appended) since the last lookup.
    pub fn notes_changed(&mut self) {
        self.notes_stale = true;
    }

    /// The tables touched since the last call (to re-sort their constraints).
    pub fn take_changed(&mut self) -> BTreeSet<String> {
        std::mem::take(&mut self.changed)
    }

    fn refresh(&mut self, schema: &Schema) {
        if !self.built {
            *self = Lookup {
                dirty: std::mem::take(&mut self.dirty),
                changed: std::mem::take(&mut self.changed),
                dead_sequence_notes: std::mem::take(&mut self.dead_sequence_notes),
                ..Lookup::default()
            };
            self.built = true;
            for (k, t) in &schema.tables {
                self.add(k, TableNames::of(t));
            }
            return;
        }
        // Touched tables are re-read at every lookup until the statement ends: a statement
        // touches a table before it changes it and may look names up in between.
        // Most statements touch a table without changing its names (a comment, a default, a
        // check, an index's expression): then the index keeps its entries as they are.
        let dirty: Vec<String> = self.dirty.iter().cloned().collect();
        for k in dirty {
            let names = schema.tables.get(&k).map(TableNames::of);
            if names.is_some() && self.per_table.get(&k) == names.as_ref() {
                continue;
            }
            self.remove(&k);
            if let Some(names) = names {
                self.add(&k, names);
            }
        }
    }

    /// A statement is done: re-read the tables it touched, once.
    pub fn end_statement(&mut self, schema: &Schema) {
        if self.built && !self.dirty.is_empty() {
            self.refresh(schema);
        }
        self.dirty.clear();
    }

    fn add(&mut self, k: &str, names: TableNames) {
        for r in &names.relations {
            self.relations
                .entry((names.ns.clone(), r.clone()))
                .or_default()
                .push(k.to_string());
        }
        for c in &names.constraints {
            *self
                .constraints
                .entry((names.ns.clone(), c.clone()))
                .or_default() += 1;
        }
        for (s, col) in &names.sequences {
            self.sequences
                .entry(s.clone())
                .or_default()
                .push((k.to_string(), col.clone()));
        }
        self.per_table.insert(k.to_string(), names);
    }

    fn remove(&mut self, k: &str) {
        let Some(names) = self.per_table.remove(k) else {
            return;
        };
        for r in names.relations {
            let slot = (names.ns.clone(), r);
            if let Some(keys) = self.relations.get_mut(&slot) {
                if let Some(pos) = keys.iter().position(|x| x == k) {
                    keys.swap_remove(pos);
                }
                if keys.is_empty() {
                    self.relations.remove(&slot);
                }
            }
        }
        for c in names.constraints {
            let slot = (names.ns.clone(), c);
            if let Some(n) = self.constraints.get_mut(&slot) {
                *n -= 1;
                if *n == 0 {
                    self.constraints.remove(&slot);
                }
            }
        }
        for (s, _) in names.sequences {
            if let Some(users) = self.sequences.get_mut(&s) {
                users.retain(|(t, _)| t != k);
                if users.is_empty() {
                    self.sequences.remove(&s);
                }
            }
        }
    }

    /// Whether a relation of PostgreSQL schema `ns` is called `name`.
    pub fn relation_taken(&mut self, schema: &Schema, ns: &str, name: &str) -> bool {
        !self.relation_owners(schema, ns, name).is_empty()
    }

    /// The keys of the tables that hold a relation (the table itself, an index, a key's
    /// index, a sequence) called `name` in `ns`.
    pub fn relation_owners(&mut self, schema: &Schema, ns: &str, name: &str) -> Vec<String> {
        self.refresh(schema);
        let mut keys = self
            .relations
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
            .unwrap_or_default();
        keys.sort();
        keys.dedup();
        keys
    }

    /// Whether a constraint of PostgreSQL schema `ns` is called `name`.
    pub fn constraint_taken(&mut self, schema: &Schema, ns: &str, name: &str) -> bool {
        self.refresh(schema);
        self.constraints
            .contains_key(&(ns.to_string(), name.to_string()))
    }

    /// `(table key, column)` of every serial column drawing from sequence `seq` (a key).
    pub fn sequence_users(&mut self, schema: &Schema, seq: &str) -> Vec<(String, String)> {
        self.refresh(schema);
        let mut users = self.sequences.get(seq).cloned().unwrap_or_default();
        users.sort();
        users
    }

    fn read_notes(&mut self, schema: &Schema) {
        if self.notes_stale || schema.notes.len() < self.notes_seen {
            self.notes_stale = false;
            self.notes_seen = 0;
            self.domains.clear();
            self.unmodelled.clear();
        }
        for n in &schema.notes[self.notes_seen..] {
            if let Some(rest) = n.strip_prefix(names::DOMAIN_NOTE) {
                if let Some((name, base)) = names::domain_of_note(rest) {
                    self.domains.insert(name, base);
                }
            } else if let Some(rest) = n.strip_prefix("ignored ") {
                for kind in UNMODELLED {
                    if let Some(key) = rest
                        .strip_prefix(kind)
                        .and_then(|r| r.strip_prefix(' '))
                        .and_then(|r| r.split_once(" ("))
                    {
                        self.unmodelled.insert(key.0.to_string());
                    }
                }
            }
        }
        self.notes_seen = schema.notes.len();
    }

    /// Domains recorded in the notes (as [`names::domains`] reads them).
    pub fn domains(&mut self, schema: &Schema) -> Domains {
        self.read_notes(schema);
        self.domains.clone()
    }

    /// Whether `key` is a relation the loader saw and deliberately does not model (a view, a
    /// materialized view, `CREATE TABLE … AS`).
    pub fn unmodelled(&mut self, schema: &Schema, key: &str) -> bool {
        self.read_notes(schema);
        self.unmodelled.contains(key)
    }

    /// The `CREATE SEQUENCE seq` notes written so far are to go: the sequence turned out to
    /// be a serial column's (removed in one pass by [`Lookup::flush_notes`]).
    pub fn drop_sequence_note(&mut self, schema: &Schema, seq: &str) {
        self.dead_sequence_notes
            .insert(seq.to_string(), schema.notes.len());
    }

    /// Remove the notes [`Lookup::drop_sequence_note`] named.
    pub fn flush_notes(&mut self, schema: &mut Schema) {
        if self.dead_sequence_notes.is_empty() {
            return;
        }
        let dead = std::mem::take(&mut self.dead_sequence_notes);
        let mut i = 0;
        schema.notes.retain(|n| {
            let keep = n
                .strip_prefix("ignored CREATE SEQUENCE ")
                .and_then(|r| r.rsplit_once(" (line "))
                .and_then(|(seq, _)| dead.get(seq))
                .is_none_or(|&before| i >= before);
            i += 1;
            keep
        });
        self.notes_changed();
    }

    /// Debug check: the index equals one built from scratch.
    pub fn verify(&mut self, schema: &Schema) {
        if !self.built || schema.tables.len() > VERIFY_UP_TO {
            return;
        }
        self.end_statement(schema);
        let fresh: HashMap<String, TableNames> = schema
            .tables
            .iter()
            .map(|(k, t)| (k.clone(), TableNames::of(t)))
            .collect();
        for (k, names) in &fresh {
            assert_eq!(
                self.per_table.get(k),
                Some(names),
                "name index out of date for table {k}: a statement changed it without touching it"
            );
        }
        assert_eq!(
            self.per_table.len(),
            fresh.len(),
            "name index holds dropped tables"
        );
    }
}
