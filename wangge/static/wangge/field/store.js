// The phone's own storage (IndexedDB), which survives reloads, restarts and
// days without a signal:
//   outbox  records waiting to be sent, keyed by an increasing number, so
//           they go out in the order they were made
//   photos  the photos of those records (Blobs), sent after their record
//   log     what the server answered for each record sent (the latest 50)
//   kv      small state: the patrol under way, when each card was fetched
(function () {
  "use strict";
  const Field = window.Field = window.Field || {};
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open("wangge-field", 1);
        req.onupgradeneeded = () => {
          const db = req.result;
          db.createObjectStore("outbox", {keyPath: "seq", autoIncrement: true});
          db.createObjectStore("photos", {keyPath: "id"}).createIndex("record", "record");
          db.createObjectStore("log", {keyPath: "id"});
          db.createObjectStore("kv", {keyPath: "k"});
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return opening;
  }

  // Run fn(store, ..., box) in one transaction. Resolves with box.value once
  // the transaction has committed, so "saved" means written to disk.
  function tx(names, mode, fn) {
    return open().then((db) => new Promise((resolve, reject) => {
      const t = db.transaction(names, mode);
      const box = {};
      t.oncomplete = () => resolve(box.value);
      t.onerror = t.onabort = () => reject(t.error);
      fn(...names.map((n) => t.objectStore(n)), box);
    }));
  }

  const all = (name) => tx([name], "readonly", (s, box) => {
    s.getAll().onsuccess = (e) => { box.value = e.target.result; };
  });
  const get = (name, key) => tx([name], "readonly", (s, box) => {
    s.get(key).onsuccess = (e) => { box.value = e.target.result || null; };
  });
  const put = (name, value) => tx([name], "readwrite", (s) => { s.put(value); });
  const del = (name, key) => tx([name], "readwrite", (s) => { s.delete(key); });

  Field.store = {open, tx, all, get, put, del};

  // Ask the browser not to evict our storage when the phone is short of
  // space: the outbox may hold a day's work.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
})();
