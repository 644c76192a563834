//! A command's argument as Rust checks it. Tauri answers a malformed argument (a wrong type, a
//! missing member) with a plain string; wrapped in [`Args`], it becomes the catalogue's
//! `{code: "INPUT_INVALID", message}` like every other error that crosses IPC; so does a
//! channel argument in [`Chan`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use tauri::ipc::{Channel, CommandArg, CommandItem, InvokeError};
use tauri::Runtime;
use tongbao_core::{AppError, ErrorCode};

/// The argument `args` of a command: the value, or why it could not be read.
pub struct Args<T>(Result<T, AppError>);

impl<T> Args<T> {
    pub fn get(self) -> Result<T, AppError> {
        self.0
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Args<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Any JSON value (or none) is accepted here; the command's own type decides.
        let value = Option::<serde_json::Value>::deserialize(d)?.unwrap_or(serde_json::Value::Null);
        Ok(Args(serde_json::from_value(value).map_err(|e| malformed(&e))))
    }
}

/// A channel argument (`onRetry`, `onCheck`): a missing or malformed one is INPUT_INVALID too.
pub struct Chan<T>(Result<Channel<T>, AppError>);

impl<T> Chan<T> {
    pub fn get(self) -> Result<Channel<T>, AppError> {
        self.0
    }
}

impl<'de, R: Runtime, T> CommandArg<'de, R> for Chan<T> {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let key = command.key;
        Ok(Chan(Channel::from_command(command).map_err(|_| {
            AppError::new(ErrorCode::InputInvalid, format!("malformed command arguments: {key} must be a channel"))
        })))
    }
}

/// The message names the kind of problem and its place, never the value: a misplaced password
/// must not come back in an error (serde's own text quotes the value).
fn malformed(e: &serde_json::Error) -> AppError {
    let what = match e.classify() {
        serde_json::error::Category::Data => "a member is missing, unknown or of the wrong type",
        _ => "the arguments are not valid JSON",
    };
    AppError::new(ErrorCode::InputInvalid, format!("malformed command arguments: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Form {
        #[allow(dead_code)]
        n: u32,
    }

    fn parse<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, AppError> {
        serde_json::from_value::<Args<T>>(v).expect("Args accepts any JSON").get()
    }

    #[test]
    fn a_wrong_type_is_input_invalid_without_the_value() {
        let e = parse::<Form>(json!({"n": "258036"})).unwrap_err();
        assert_eq!(e.code, ErrorCode::InputInvalid);
        assert!(!e.message.contains("258036"), "{}", e.message);
        assert_eq!(parse::<i32>(json!("x")).unwrap_err().code, ErrorCode::InputInvalid);
        assert_eq!(parse::<Form>(json!(null)).unwrap_err().code, ErrorCode::InputInvalid);
        assert_eq!(parse::<Form>(json!([1, 2])).unwrap_err().code, ErrorCode::InputInvalid);
    }

    #[test]
    fn a_good_value_passes() {
        assert_eq!(parse::<i32>(json!(5)).unwrap(), 5);
        assert_eq!(parse::<String>(json!("a")).unwrap(), "a");
    }
}
