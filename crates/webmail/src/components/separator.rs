//! A draggable, keyboard-operable splitter between two panes.

use std::{cell::Cell, rc::Rc};

use yew::prelude::*;

/// Props of [`Separator`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub(crate) struct SeparatorProps {
    /// What it resizes ("Resize folders").
    pub(crate) label: AttrValue,
    /// The width of the pane before it (CSS pixels).
    pub(crate) value: u32,
    /// Smallest width.
    pub(crate) min: u32,
    /// Largest width.
    pub(crate) max: u32,
    /// The new width.
    pub(crate) on_change: Callback<u32>,
}

/// `role="separator"` with `aria-valuenow`; arrow keys move it by 16 px (Home/End to the
/// limits), the pointer drags it.
#[function_component]
pub(crate) fn Separator(props: &SeparatorProps) -> Html {
    // (pointer x, width) when a drag started.
    let drag = use_memo((), |()| Rc::new(Cell::new(None::<(i32, u32)>)));
    let clamp = {
        let (min, max) = (props.min, props.max);
        move |v: i64| v.clamp(i64::from(min), i64::from(max)) as u32
    };
    let onkeydown = {
        let (value, on_change) = (props.value, props.on_change.clone());
        let (min, max) = (props.min, props.max);
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowLeft" | "ArrowUp" => clamp(i64::from(value) - 16),
                "ArrowRight" | "ArrowDown" => clamp(i64::from(value) + 16),
                "Home" => min,
                "End" => max,
                _ => return,
            };
            e.prevent_default();
            on_change.emit(next);
        })
    };
    let onpointerdown = {
        let (drag, value) = (drag.clone(), props.value);
        Callback::from(move |e: PointerEvent| {
            if let Some(target) = e.target_dyn_into::<web_sys::Element>() {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            drag.set(Some((e.client_x(), value)));
            e.prevent_default();
        })
    };
    let onpointermove = {
        let (drag, on_change) = (drag.clone(), props.on_change.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((x, width)) = drag.get() {
                on_change.emit(clamp(i64::from(width) + i64::from(e.client_x() - x)));
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        Callback::from(move |_: PointerEvent| drag.set(None))
    };
    html! {
        <div class="separator" role="separator" aria-orientation="vertical" tabindex="0"
            aria-label={props.label.clone()} aria-valuenow={props.value.to_string()}
            aria-valuemin={props.min.to_string()} aria-valuemax={props.max.to_string()}
            {onkeydown} {onpointerdown} {onpointermove} onpointerup={onpointerup.clone()} onpointercancel={onpointerup}>
        </div>
    }
}
