//! A `schema.prisma` as lines, with just enough structure to edit it in place: the `model` and
//! `enum` blocks (their line span, their database name), and each model's fields (name, type
//! token, column name, relation) and block attributes. Edits touch single lines or insert whole
//! ones, so comments, ordering and formatting of everything else stay as the user wrote them.

/// A field line of a model.
#[derive(Debug, Clone)]
pub struct Field {
    /// Line index in [`Doc::lines`].
    pub line: usize,
    pub name: String,
    /// The type token as written (`String?`, `Post[]`, `Role`).
    pub ty: String,
    /// The database column (`@map("x")`, else the field name).
    pub column: String,
}

impl Field {
    /// The type without `?`/`[]`.
    pub fn base_type(&self) -> &str {
        self.ty.trim_end_matches(['?', '!']).trim_end_matches("[]")
    }
}

/// A `model` or `enum` block.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub name: String,
    /// Line of `model X {`.
    pub start: usize,
    /// Line of the closing `}`.
    pub end: usize,
    /// The database name (`@@map("x")`, else the block name).
    pub db_name: String,
}

/// The text as lines.
#[derive(Debug, Clone)]
pub struct Doc {
    pub lines: Vec<String>,
    /// Whether the text ended with a newline.
    trailing_newline: bool,
}

/// The code part of a line (without a `//` comment).
pub fn code(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The argument of `name(...)` in `text` (`@map` of `@map("x")` → `"x"`), balanced.
pub fn attr_arg<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let pat = format!("{name}(");
    let mut from = 0;
    while let Some(found) = text[from..].find(&pat) {
        let at = from + found;
        // `@map(` must not match inside `@@map(`, nor `@id(` inside `@@id(`.
        let prev = text[..at].chars().last();
        if name.starts_with('@') && !name.starts_with("@@") && prev == Some('@') {
            from = at + pat.len();
            continue;
        }
        let rest = &text[at + pat.len()..];
        let mut depth = 1;
        let mut in_string = false;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '(' if !in_string => depth += 1,
                ')' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&rest[..i]);
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    None
}

/// `"x"` → `x`.
pub fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').replace("\\\"", "\"")
}

/// The names in `[a, b(sort: Desc)]` after `key:` (or the first list when `key` is `None`).
pub fn list(text: &str, key: Option<&str>) -> Vec<String> {
    let text = match key {
        Some(k) => match text.find(&format!("{k}:")) {
            Some(at) => &text[at..],
            None => return vec![],
        },
        None => text,
    };
    let (Some(a), Some(b)) = (text.find('['), text.find(']')) else {
        return vec![];
    };
    text[a + 1..b]
        .split(',')
        .map(|x| x.trim().split('(').next().unwrap_or("").trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// The quoted value of `key: "…"` in an attribute's arguments (`map: "x"` → `x`).
pub fn named_string(args: &str, key: &str) -> Option<String> {
    let at = args.find(&format!("{key}:"))? + key.len() + 1;
    let rest = args[at..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

impl Doc {
    pub fn parse(text: &str) -> Doc {
        Doc {
            lines: text.lines().map(str::to_string).collect(),
            trailing_newline: text.ends_with('\n') || text.is_empty(),
        }
    }

    pub fn text(&self) -> String {
        let mut out = self.lines.join("\n");
        if self.trailing_newline {
            out.push('\n');
        }
        out
    }

    /// Every `model` and `enum` block.
    pub fn blocks(&self) -> Vec<Block> {
        let mut out = vec![];
        let mut open: Option<Block> = None;
        for (i, raw) in self.lines.iter().enumerate() {
            let line = code(raw).trim();
            if let Some(b) = open.as_mut() {
                if line == "}" {
                    b.end = i;
                    out.push(open.take().expect("open block"));
                } else if let Some(m) = line.strip_prefix("@@map(") {
                    b.db_name = unquote(m.trim_end_matches(')'));
                }
                continue;
            }
            let mut words = line.split_whitespace();
            if let (Some(kind), Some(name)) = (words.next(), words.next()) {
                if line.ends_with('{') && matches!(kind, "model" | "enum") {
                    open = Some(Block {
                        kind: kind.into(),
                        name: name.into(),
                        start: i,
                        end: i,
                        db_name: name.into(),
                    });
                }
            }
        }
        out
    }

    pub fn model(&self, name: &str) -> Option<Block> {
        self.blocks()
            .into_iter()
            .find(|b| b.kind == "model" && b.name == name)
    }

    /// The model whose table is `table`.
    pub fn model_for_table(&self, table: &str) -> Option<Block> {
        self.blocks()
            .into_iter()
            .find(|b| b.kind == "model" && b.db_name == table)
    }

    pub fn enum_for_type(&self, db_name: &str) -> Option<Block> {
        self.blocks()
            .into_iter()
            .find(|b| b.kind == "enum" && b.db_name == db_name)
    }

    /// The fields of a block (lines that are not block attributes, comments or blank).
    pub fn fields(&self, block: &Block) -> Vec<Field> {
        (block.start + 1..block.end)
            .filter_map(|i| {
                let line = code(&self.lines[i]).trim();
                if line.is_empty() || line.starts_with('@') {
                    return None;
                }
                let mut words = line.split_whitespace();
                let name = words.next()?.to_string();
                let ty = words.next()?.to_string();
                let column = attr_arg(line, "@map")
                    .map(unquote)
                    .unwrap_or_else(|| name.clone());
                Some(Field {
                    line: i,
                    name,
                    ty,
                    column,
                })
            })
            .collect()
    }

    /// Lines of the block's `@@…` attributes.
    pub fn block_attributes(&self, block: &Block) -> Vec<usize> {
        (block.start + 1..block.end)
            .filter(|&i| code(&self.lines[i]).trim().starts_with("@@"))
            .collect()
    }

    /// The line after which a new field goes: the last field line, else the block's opening.
    pub fn field_insert_point(&self, block: &Block) -> usize {
        self.fields(block)
            .last()
            .map(|f| f.line)
            .unwrap_or(block.start)
    }

    /// Where the type column and the attribute column start in the block's field lines
    /// (`prisma format` aligns them), so an inserted field lines up with its neighbours.
    pub fn columns(&self, block: &Block) -> (usize, usize, String) {
        let fields = self.fields(block);
        let mut type_col = 0;
        let mut attr_col = 0;
        let mut indent = "  ".to_string();
        for f in &fields {
            let line = &self.lines[f.line];
            let lead = line.len() - line.trim_start().len();
            indent = line[..lead].to_string();
            let after_name = lead + f.name.len();
            if let Some(t) = line[after_name..].find(|c: char| !c.is_whitespace()) {
                type_col = type_col.max(after_name + t);
                let after_type = after_name + t + f.ty.len();
                if let Some(a) = line[after_type..].find(|c: char| !c.is_whitespace()) {
                    attr_col = attr_col.max(after_type + a);
                }
            }
        }
        (type_col, attr_col, indent)
    }

    /// A field line laid out like the block's others.
    pub fn layout_field(&self, block: &Block, name: &str, ty: &str, attrs: &str) -> String {
        let (type_col, attr_col, indent) = self.columns(block);
        let mut line = format!("{indent}{name}");
        pad_to(&mut line, type_col);
        line.push_str(ty);
        if !attrs.is_empty() {
            pad_to(&mut line, attr_col);
            line.push_str(attrs);
        }
        line
    }

    pub fn insert(&mut self, at: usize, line: String) {
        self.lines.insert(at, line);
    }

    pub fn remove(&mut self, at: usize) {
        self.lines.remove(at);
    }
}

/// Pad with spaces to `col` (at least one space).
fn pad_to(line: &mut String, col: usize) {
    line.push(' ');
    while line.len() < col {
        line.push(' ');
    }
}

/// Replace the `n`th whitespace-separated word of a line, keeping the spacing around it (and
/// shrinking the padding after it when the word grows, so aligned attributes stay aligned).
pub fn replace_word(line: &str, n: usize, new: &str) -> String {
    let mut start = None;
    let mut count = 0;
    let bytes: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_whitespace() && (i == 0 || bytes[i - 1].is_whitespace()) {
            if count == n {
                start = Some(i);
                break;
            }
            count += 1;
        }
        i += 1;
    }
    let Some(s) = start else {
        return line.to_string();
    };
    let e = (s..bytes.len())
        .find(|&j| bytes[j].is_whitespace())
        .unwrap_or(bytes.len());
    let old_len = e - s;
    let head: String = bytes[..s].iter().collect();
    let mut tail: String = bytes[e..].iter().collect();
    if new.len() > old_len {
        let spaces = tail.len() - tail.trim_start().len();
        let drop = (new.len() - old_len).min(spaces.saturating_sub(1));
        tail = tail[drop..].to_string();
    } else if !tail.trim().is_empty() {
        tail = format!("{}{tail}", " ".repeat(old_len - new.len()));
    }
    format!("{head}{new}{tail}")
}

/// Add an attribute at the end of a field line's attributes (before its comment).
pub fn append_attr(line: &str, attr: &str) -> String {
    let code_len = code(line).trim_end().len();
    let (body, comment) = line.split_at(code_len);
    let comment = comment.trim_start();
    if comment.is_empty() {
        format!("{body} {attr}")
    } else {
        format!("{body} {attr} {comment}")
    }
}

/// Remove `name…(…)` (balanced) and the space before it from a line.
pub fn strip_attr(line: &str, open: &str) -> String {
    let Some(at) = line.find(open) else {
        return line.to_string();
    };
    let name = &open[..open.len() - 1];
    let Some(args) = attr_arg(&line[at..], name) else {
        return line.to_string();
    };
    let end = at + open.len() + args.len() + 1;
    format!("{}{}", line[..at].trim_end(), &line[end..])
}

#[cfg(test)]
mod test {
    use super::*;

    const TEXT: &str = "// top\nmodel User {\n  id    Int    @id // key\n  email String @map(\"e_mail\")\n\n  @@map(\"users\")\n}\n";

    #[test]
    fn blocks_fields_and_layout() {
        let doc = Doc::parse(TEXT);
        let b = doc.model_for_table("users").unwrap();
        assert_eq!((b.start, b.end, b.name.as_str()), (1, 6, "User"));
        let f = doc.fields(&b);
        assert_eq!(f.len(), 2);
        assert_eq!(f[1].column, "e_mail");
        assert_eq!(doc.field_insert_point(&b), 3);
        assert_eq!(
            doc.layout_field(&b, "age", "Int?", "@default(0)"),
            "  age   Int?   @default(0)"
        );
        assert_eq!(doc.text(), TEXT);
    }

    #[test]
    fn attribute_arguments() {
        assert_eq!(
            attr_arg("x Int @map(\"a(b)\") @@map(\"z\")", "@map"),
            Some("\"a(b)\"")
        );
        assert_eq!(attr_arg("@@map(\"z\")", "@map"), None);
        assert_eq!(
            list("@@index([a, b(sort: Desc)], map: \"i\")", None),
            ["a", "b"]
        );
        assert_eq!(named_string("[a], map: \"i\"", "map").as_deref(), Some("i"));
        assert_eq!(code("a String // \"x\" // y"), "a String ");
    }
}
