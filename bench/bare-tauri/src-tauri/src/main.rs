// The bare app's one window, made here (not in tauri.conf.json) so the benchmark can pick its
// page: `BARE_PAGE=cjk.html` shows the same Chinese first-screen text, in the same font, as
// Tongbao's login screen (the second floor: a Chinese UI's font pages are part of any such app).
fn main() {
    tauri::Builder::default()
        .setup(|app| {
            let page = std::env::var("BARE_PAGE").unwrap_or_else(|_| "index.html".into());
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::App(page.into()))
                .title("bare")
                .inner_size(1100.0, 760.0)
                .build()?;
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the bare app");
}
