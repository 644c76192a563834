//! Locks the session when the computer goes to sleep or its screen locks (Linux: D-Bus).
//!
//! - the system bus: logind's `PrepareForSleep(true)` (suspend, hibernate) and a session's
//!   `Lock` (`loginctl lock-session`, what desktops send when the screen locks);
//! - the session bus: the screensaver's `ActiveChanged(true)` (freedesktop's and GNOME's).
//!
//! Each bus is listened to on a thread of its own with a match rule (zbus's blocking API); a
//! bus that is not there (a container, CI) is logged and skipped. Windows (WTS session lock,
//! power suspend) and macOS (screen-locked distributed notification) are not wired in this
//! build: there the idle auto-lock still applies.

use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type;
use zbus::MatchRule;

/// Why a signal locks the session, if it does.
fn locks(interface: &str, member: &str, on: Option<bool>) -> Option<&'static str> {
    match (interface, member, on) {
        ("org.freedesktop.login1.Manager", "PrepareForSleep", Some(true)) => Some("the computer is going to sleep"),
        ("org.freedesktop.login1.Session", "Lock", _) => Some("the session's screen locked"),
        ("org.freedesktop.ScreenSaver" | "org.gnome.ScreenSaver", "ActiveChanged", Some(true)) => {
            Some("the screensaver started")
        }
        _ => None,
    }
}

fn rule(interface: &'static str, member: &'static str) -> zbus::Result<MatchRule<'static>> {
    Ok(MatchRule::builder().msg_type(Type::Signal).interface(interface)?.member(member)?.build())
}

/// The match rules of the system bus and of the session bus.
fn system_rules() -> zbus::Result<Vec<MatchRule<'static>>> {
    Ok(vec![
        rule("org.freedesktop.login1.Manager", "PrepareForSleep")?,
        rule("org.freedesktop.login1.Session", "Lock")?,
    ])
}

fn session_rules() -> zbus::Result<Vec<MatchRule<'static>>> {
    Ok(vec![rule("org.freedesktop.ScreenSaver", "ActiveChanged")?, rule("org.gnome.ScreenSaver", "ActiveChanged")?])
}

/// Listens on `conn` for the signals of `rules` until the bus goes away; calls `on_lock` with
/// the reason for each one that locks.
pub fn listen(
    conn: &Connection,
    rules: Vec<MatchRule<'static>>,
    on_lock: &(dyn Fn(&'static str) + Sync),
) -> zbus::Result<()> {
    std::thread::scope(|s| {
        let mut handles = vec![];
        for r in rules {
            let it = MessageIterator::for_match_rule(r, conn, None)?;
            handles.push(s.spawn(move || {
                for msg in it {
                    let Ok(msg) = msg else { break };
                    let h = msg.header();
                    let (Some(i), Some(m)) = (h.interface(), h.member()) else { continue };
                    let on = msg.body().deserialize::<bool>().ok();
                    if let Some(why) = locks(i.as_str(), m.as_str(), on) {
                        on_lock(why);
                    }
                }
            }));
        }
        for h in handles {
            let _ = h.join();
        }
        Ok(())
    })
}

/// Starts listening to both buses (once, at start-up); `on_lock` locks the session.
pub fn watch(on_lock: impl Fn(&'static str) + Send + Sync + Clone + 'static) {
    type Bus = (&'static str, fn() -> zbus::Result<Connection>, fn() -> zbus::Result<Vec<MatchRule<'static>>>);
    let buses: [Bus; 2] =
        [("system", Connection::system, system_rules), ("session", Connection::session, session_rules)];
    for (name, connect, rules) in buses {
        let on_lock = on_lock.clone();
        let spawned = std::thread::Builder::new().name(format!("lock-watch-{name}")).spawn(move || {
            let done = connect().and_then(|c| listen(&c, rules()?, &on_lock));
            if let Err(e) = done {
                tracing::info!(bus = name, error = %e, "no lock signals from this bus");
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the lock watcher did not start");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use std::process::{Child, Command, Stdio};
    use std::sync::mpsc;
    use std::time::Duration;

    /// A private bus of its own (dbus-daemon), gone when dropped.
    struct TestBus(Child, String);

    impl TestBus {
        fn start() -> Self {
            let mut child = Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address"])
                .stdout(Stdio::piped())
                .spawn()
                .expect("dbus-daemon (package dbus) is installed");
            let mut line = String::new();
            BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
            Self(child, line.trim().to_owned())
        }

        fn connect(&self) -> Connection {
            zbus::blocking::connection::Builder::address(self.1.as_str()).unwrap().build().unwrap()
        }
    }

    impl Drop for TestBus {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn sleeping_a_session_lock_and_the_screensaver_lock_the_wallet_waking_does_not() {
        let bus = TestBus::start();
        let (tx, rx) = mpsc::channel::<&'static str>();
        let listener = bus.connect();
        let tx = std::sync::Mutex::new(tx);
        std::thread::spawn(move || {
            let rules = [system_rules().unwrap(), session_rules().unwrap()].concat();
            let _ = listen(&listener, rules, &move |why| {
                let _ = tx.lock().unwrap().send(why);
            });
        });
        std::thread::sleep(Duration::from_millis(300)); // the match rules are added
        let sender = bus.connect();
        let emit = |path: &str, interface: &str, member: &str, on: Option<bool>| match on {
            Some(on) => sender.emit_signal(None::<&str>, path, interface, member, &(on,)).unwrap(),
            None => sender.emit_signal(None::<&str>, path, interface, member, &()).unwrap(),
        };
        let next = || rx.recv_timeout(Duration::from_secs(5));
        emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", Some(false));
        emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep", Some(true));
        assert_eq!(next().unwrap(), "the computer is going to sleep", "waking up (false) locks nothing");
        emit("/org/freedesktop/login1/session/_31", "org.freedesktop.login1.Session", "Lock", None);
        assert_eq!(next().unwrap(), "the session's screen locked");
        emit("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", Some(false));
        emit("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged", Some(true));
        assert_eq!(next().unwrap(), "the screensaver started");
        emit("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForShutdown", Some(true));
        assert!(rx.recv_timeout(Duration::from_millis(500)).is_err(), "other signals lock nothing");
    }

    #[test]
    fn only_the_listed_signals_lock() {
        assert_eq!(locks("org.gnome.ScreenSaver", "ActiveChanged", Some(true)), Some("the screensaver started"));
        assert_eq!(locks("org.gnome.ScreenSaver", "ActiveChanged", Some(false)), None);
        assert_eq!(locks("org.freedesktop.login1.Manager", "PrepareForSleep", None), None);
        assert_eq!(locks("org.example.Other", "Lock", None), None);
    }
}
