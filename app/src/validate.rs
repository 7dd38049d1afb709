//! Input rules shared by the browser (early hints) and the server (the final word).

use crate::error::AppError;

pub const MAX_NAME: usize = 100;
/// The longest password accepted anywhere (hashing cost must not grow with what anyone sends).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// Trims and checks a required short text field.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(format!("Please enter {field}.")));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(format!(
            "{} is too long (at most {max} characters).",
            capitalise(field)
        )));
    }
    Ok(value.to_owned())
}

/// An optional text field, trimmed, with a length limit.
pub fn optional(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.chars().count() > max {
        return Err(AppError::invalid(format!(
            "{} is too long (at most {max} characters).",
            capitalise(field)
        )));
    }
    Ok(value.to_owned())
}

fn capitalise(s: &str) -> String {
    let s = s
        .trim_start_matches("your ")
        .trim_start_matches("a ")
        .trim_start_matches("the ");
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// A plausible e-mail address, lower-cased.
pub fn email(value: &str) -> Result<String, AppError> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Err(AppError::invalid("Please enter an e-mail address."));
    }
    let valid = value.len() <= 254
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',')
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(value)
    } else {
        Err(AppError::invalid(format!(
            "\"{value}\" is not a valid e-mail address."
        )))
    }
}

const RESERVED_SLUGS: &[&str] = &[
    "www", "api", "app", "admin", "mail", "smtp", "static", "pkg", "files", "ws", "status", "help",
    "support", "docs", "blog", "signup", "login",
];

/// A portal address: 3–40 characters of a–z, 0–9 and inner hyphens.
pub fn portal_slug(value: &str) -> Result<String, AppError> {
    let value = value.trim().to_lowercase();
    let valid = (3..=40).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if !valid {
        return Err(AppError::invalid(
            "The portal address needs 3–40 characters: letters a–z, digits and inner hyphens.",
        ));
    }
    if RESERVED_SLUGS.contains(&value.as_str()) {
        return Err(AppError::Conflict(format!(
            "The address \"{value}\" is reserved. Please choose another."
        )));
    }
    Ok(value)
}

/// The rules for a new password; the message says what to fix.
pub fn password(value: &str) -> Result<(), AppError> {
    if value.chars().count() < 10 {
        return Err(AppError::invalid(
            "The password needs at least 10 characters.",
        ));
    }
    if value.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "The password is too long (at most 256 characters).",
        ));
    }
    let has_letter = value.chars().any(char::is_alphabetic);
    let has_other = value.chars().any(|c| !c.is_alphabetic());
    if !has_letter || !has_other {
        return Err(AppError::invalid(
            "The password needs letters and at least one digit or symbol.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email(" Ann@Example.com ").ok().as_deref(),
            Some("ann@example.com")
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(email(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(portal_slug("Acme-2").ok().as_deref(), Some("acme-2"));
        for bad in [
            "ab",
            "-acme",
            "acme-",
            "ac me",
            "acmé",
            "www",
            &"a".repeat(41),
        ] {
            assert!(portal_slug(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("correct horse 1").is_ok());
        assert!(password("short1").is_err());
        assert!(password("onlyletterslong").is_err());
        assert!(password("1234567890123").is_err());
    }
}
