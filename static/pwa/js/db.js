// IndexedDB: the device's copy of everything the app needs offline, and all unsent work.
// Upgrades only ever add stores, so a new app version never loses what is waiting to be sent.
const DB_NAME = "osi";
const DB_VERSION = 3;
let opening = null;

export function openDb() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const stores = {
          meta: null, checklists: "id", assignments: "id", drafts: "uuid", photos: "uuid", lists: "key",
          responses: "uuid", complaints: "uuid",
        };
        for (const [name, keyPath] of Object.entries(stores)) {
          if (!db.objectStoreNames.contains(name)) {
            const store = db.createObjectStore(name, keyPath ? { keyPath } : undefined);
            if (name === "photos") store.createIndex("inspection", "inspection");
          }
        }
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  return opening;
}

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode = "readonly") {
  const db = await openDb();
  return db.transaction(name, mode).objectStore(name);
}

export async function get(name, key) { return done((await store(name)).get(key)); }
export async function all(name) { return done((await store(name)).getAll()); }
export async function put(name, value, key) {
  return done((await store(name, "readwrite")).put(value, key));
}
export async function del(name, key) { return done((await store(name, "readwrite")).delete(key)); }
export async function byIndex(name, index, value) {
  return done((await store(name)).index(index).getAll(value));
}
export async function clear(name) { return done((await store(name, "readwrite")).clear()); }

export async function meta(key) { return get("meta", key); }
export async function setMeta(key, value) { return put("meta", value, key); }

// Read-modify-write of one record in a single transaction, so two edits never overwrite each other.
export async function update(name, key, change) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, "readwrite");
    const objects = tx.objectStore(name);
    let result;
    const request = objects.get(key);
    request.onsuccess = () => {
      result = change(request.result);
      if (result !== undefined) objects.put(result);
    };
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}
