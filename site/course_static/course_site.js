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

// On a narrow screen sphinx-book-theme's menu button (in the article header) opens nothing
// with pydata-sphinx-theme 0.17: only the theme's own navbar button, hidden there, is wired to
// the sidebar's dialog. Hand each click on the book theme's buttons to that wired button.
document.addEventListener("click", function (event) {
    var button = event.target.closest("button.sidebar-toggle:not(.pst-navbar-icon), button.secondary-toggle:not(.pst-navbar-icon)");
    if (!button) return;
    var side = button.classList.contains("primary-toggle") ? "primary-toggle" : "secondary-toggle";
    var wired = document.querySelector("button.pst-navbar-icon." + side);
    if (wired && wired !== button) {
        event.preventDefault();
        event.stopImmediatePropagation();
        wired.click();
    }
}, true);
