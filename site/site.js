// Loaded before the ipywidgets HTML manager on every page with panel snapshots.
(function () {
  "use strict";
  var src = document.currentScript && document.currentScript.src;
  if (src) {
    // The HTML manager's bundles find their icon fonts next to the URL require.js gives their
    // module ids (by default relative to the page): point those ids at the manager's folder in
    // this site's static folder. require.js reads a global `require` object as its configuration.
    var manager = src.slice(0, src.lastIndexOf("/") + 1) + "html-manager";
    window.__jupyter_widgets_assets_path__ = manager + "/";
    window.require = {
      paths: {"@jupyter-widgets/html-manager/dist": manager, "@jupyter-widgets": manager}
    };
  }
  // The HTML manager typesets widget labels with the MathJax 2 API (MathJax.Hub.Queue); this
  // site serves MathJax 3, so map that one call onto MathJax 3's typesetPromise.
  document.addEventListener("DOMContentLoaded", function () {
    var mj = window.MathJax;
    if (mj && !mj.Hub) {
      mj.Hub = {
        Queue: function (cmd) {
          var el = cmd && cmd[2];
          var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
          ready.then(function () {
            if (mj.typesetPromise) { return mj.typesetPromise(el ? [el] : undefined); }
          }).catch(function () {});
        }
      };
    }
  });
})();
