//! The description grammar (being written).
use super::{Intent, ParseError};

/// Parse a description into intents, in the order written.
pub fn parse(description: &str) -> Result<Vec<Intent>, ParseError> {
    todo!("grammar: {description}")
}
