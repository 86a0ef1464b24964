//! [`use_keydown`]: a `keydown` listener on the document for as long as the component
//! lives, always calling the latest handler.

use std::{cell::RefCell, rc::Rc};

use wasm_bindgen::{JsCast, closure::Closure};
use yew::prelude::*;

/// Calls `handler` for every key pressed anywhere in the page.
#[hook]
pub(crate) fn use_keydown(handler: Callback<KeyboardEvent>) {
    let latest = use_mut_ref(|| handler.clone());
    *latest.borrow_mut() = handler;
    use_effect_with((), move |()| {
        let latest: Rc<RefCell<Callback<KeyboardEvent>>> = latest;
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            let handler = latest.borrow().clone();
            handler.emit(e);
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(document) = &document {
            let _ = document
                .add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(document) = &document {
                let _ = document.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
            drop(listener);
        }
    });
}
