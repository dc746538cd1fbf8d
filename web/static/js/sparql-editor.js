// The SPARQL page's editor: YASGUI (web/static/vendor/yasgui) replaces the plain form when JavaScript runs.
// Its settings (endpoint, the project's prefixes, the named queries) come from /sparql/editor.json.
// Nothing is fetched from outside the app: the prefix autocompleter uses the project's prefix map instead
// of prefix.cc, and the LOV class/property autocompleters are off.
(function () {
  "use strict";

  const root = document.getElementById("yasgui");
  if (!root || typeof window.Yasgui === "undefined") {
    return; // the plain form stays
  }
  const Yasgui = window.Yasgui;

  fetch(root.dataset.settings, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("editor settings: HTTP " + response.status);
      }
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      console.warn("ClusterKG: the query editor did not start; the plain form stays.", error);
    });

  function start(settings) {
    const endpoint = new URL(settings.endpoint, window.location.href).href;
    const prefixes = Object.keys(settings.prefixes).map(function (prefix) {
      return prefix + ": <" + settings.prefixes[prefix] + ">";
    });
    Yasgui.Yasqe.forkAutocompleter(
      "prefixes",
      { name: "projectPrefixes", get: function () { return prefixes; }, persistenceId: null },
      false
    );
    // Arrays in the config are merged index by index, so the list is set on the defaults.
    Yasgui.defaults.yasqe.autocompleters = ["projectPrefixes", "variables"];
    Yasgui.defaults.yasqe.value = settings.query;

    // Shown before it is built: CodeMirror measures the editor as it draws it.
    const plain = document.getElementById("plain-editor");
    plain.hidden = true;
    root.hidden = false;
    let yasgui;
    try {
      yasgui = new Yasgui(root, {
        requestConfig: { endpoint: endpoint, method: "POST" },
        copyEndpointOnNewTab: false,
        endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
        persistenceId: "clusterkg-yasgui",
        populateFromUrl: false, // its URL parser cuts a query at ";": links are read below instead
        yasr: { prefixes: settings.prefixes },
      });
    } catch (error) {
      root.hidden = true;
      plain.hidden = false;
      throw error;
    }
    followLinkRule(root, settings.pages, settings.link_schemes);
    const examples = {};
    settings.examples.forEach(function (example) { examples[example.name] = example; });

    function openTab(name, query) {
      return yasgui.addTab(true, {
        name: name,
        yasqe: { value: query },
        requestConfig: { endpoint: endpoint, method: "POST" },
      }, { avoidDuplicateTabs: true });
    }

    // The named queries open in a tab of their own.
    document.querySelectorAll("a[data-example]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        const example = examples[link.dataset.example];
        if (example) {
          event.preventDefault();
          openTab(example.name, example.query);
        }
      });
    });

    // A link that brings a query opens it in a tab and runs it: ?query= (every "Open in SPARQL" link)
    // or #query= (YASGUI's share links). ?example= opens a named query.
    const params = new URLSearchParams(window.location.search);
    const shared = new URLSearchParams(window.location.hash.slice(1));
    const linked = params.get("query") || shared.get("query");
    const example = examples[params.get("example")];
    if (linked) {
      openTab("Linked query", linked).query().catch(function () {}); // YASR shows errors
    } else if (example) {
      openTab(example.name, example.query);
    }
  }

  // The result table follows the site's link rule (web.terms.link_href): our own IRIs link to their
  // pages here, http(s) and mailto IRIs to themselves, any other IRI is text (YASR's DOMPurify already
  // drops javascript: links; this also drops ftp:, tel:, ...).
  function followLinkRule(element, pages, schemes) {
    function rewrite(link) {
      const iri = link.getAttribute("href");
      if (iri === null || iri.charAt(0) === "/") {
        return; // no link, or one of ours already rewritten
      }
      for (let i = 0; i < pages.length; i++) {
        const namespace = pages[i][0];
        if (iri.indexOf(namespace) === 0 && iri.length > namespace.length) {
          link.setAttribute("href", pages[i][1] + encodeURI(iri.slice(namespace.length)));
          link.removeAttribute("target");
          return;
        }
      }
      const scheme = iri.split(":")[0].toLowerCase();
      if (iri.indexOf(":") < 0 || schemes.indexOf(scheme) < 0) {
        link.removeAttribute("href");
      }
    }
    new MutationObserver(function () {
      element.querySelectorAll(".yasr a.iri").forEach(rewrite);
    }).observe(element, { childList: true, subtree: true });
  }
})();
