// Optional sign-in with an API key (ick_…): the page sends it with every chat, so the person spends their own
// credit, and shows the key's balance. Kept for this tab (sessionStorage) unless the person asks to be remembered.
import * as api from "./api.js";

const KEY = "idleclaw.apiKey";
const $ = (id) => document.getElementById(id);

let key = sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY);

/** The key to send, or null. */
export const apiKey = () => key;

/** Shows the key's balance; signs out when the hub no longer knows the key. */
export async function refreshBalance() {
  if (!key) return;
  try {
    const self = await api.balance(key);
    $("balance").textContent = `${Number(self.available ?? 0).toLocaleString("en-US")} credits`;
    $("sign-in").hidden = true;
    $("signed-in").hidden = false;
  } catch (e) {
    if (e instanceof api.HubError && e.status === 401) signOut();
    throw e;
  }
}

function signOut() {
  key = null;
  sessionStorage.removeItem(KEY);
  localStorage.removeItem(KEY);
  $("sign-in").hidden = false;
  $("signed-in").hidden = true;
}

async function signIn(event) {
  event.preventDefault();
  const entered = $("api-key").value.trim();
  const error = $("sign-in-error");
  if (!entered.startsWith("ick_")) {
    error.textContent = "An API key starts with ick_.";
    return;
  }
  key = entered;
  try {
    await refreshBalance();
  } catch (e) {
    key = null;
    error.textContent = e instanceof api.HubError && e.status === 401 ? "This hub does not know that key." : "Could not check the key: the hub did not answer.";
    return;
  }
  ($("remember-key").checked ? localStorage : sessionStorage).setItem(KEY, entered);
  $("api-key").value = "";
  error.textContent = "";
  $("sign-in-dialog").close();
}

/** Wires the sign-in dialog and the sign-out button. */
export function setUp() {
  $("sign-in").addEventListener("click", () => { $("sign-in-error").textContent = ""; $("sign-in-dialog").showModal(); });
  $("sign-in-cancel").addEventListener("click", () => $("sign-in-dialog").close());
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
}
