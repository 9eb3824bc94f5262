/* The results page's tables: one too wide for the screen scrolls sideways inside its region,
 * which keyboard users must then be able to reach, so the markup makes every region a tab
 * stop (tabindex="0": that works without JavaScript). Here a region that does not scroll
 * stops being one, and becomes one again when a narrower window makes it scroll.
 * The CSP allows no inline script, hence this file.
 */
(function () {
  "use strict";

  var regions = document.querySelectorAll(".table-responsive[role=region]");

  function update() {
    regions.forEach(function (region) {
      if (region.scrollWidth > region.clientWidth) {
        region.setAttribute("tabindex", "0");
      } else if (document.activeElement !== region) {
        region.removeAttribute("tabindex");
      }
    });
  }

  update();
  window.addEventListener("resize", update);
})();
