// Accessible names for the widgets drawn from their stored state: a slider's handle (role
// slider) gets its widget's visible label as aria-label, so screen readers announce it.
(function () {
    function nameSliders(root) {
        root.querySelectorAll(".noUi-handle:not([aria-label])").forEach(function (handle) {
            var widget = handle.closest(".widget-slider, .widget-hslider, .widget-vslider, .jupyter-widgets");
            var label = widget && widget.querySelector(".widget-label");
            var text = label && label.textContent.trim();
            handle.setAttribute("aria-label", text || "slider");
        });
    }
    document.addEventListener("DOMContentLoaded", function () {
        nameSliders(document);
        new MutationObserver(function () { nameSliders(document); })
            .observe(document.body, {childList: true, subtree: true});
    });
})();
