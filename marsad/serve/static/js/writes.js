// What every page that writes shares: the write token and the reviewer's name, kept for the
// browser session so they are typed once, and the fields an analyst may correct.
import { el, label } from "./common.js";

const TOKEN_KEY = "marsad-token";
const WHO_KEY = "marsad-who";

// Fields an analyst may correct (the contract's list); numbers and lists are sent as such.
export const CORRECTABLE = ["date", "sub_event_type", "attacker", "target_actor", "attribution", "launched", "killed",
                            "injured", "location", "weapons"];
const NUMERIC = new Set(["launched", "impacted", "intercepted", "unlaunched", "killed", "injured"]);

/** The value to send for a field from what was typed: a number, a list of weapon codes, or text. */
export function parseValue(field, raw) {
  const text = raw.trim();
  if (NUMERIC.has(field)) return text === "" ? null : Number(text);
  if (field === "weapons") return text.split(/[,،]/).map((w) => w.trim()).filter(Boolean);
  return text;
}

/** Fill a select with the correctable fields, keeping its choice. */
export function fillFieldSelect(select) {
  const chosen = select.value;
  select.replaceChildren(...CORRECTABLE.map((f) => el("option", { value: f }, label("field_names", f))));
  if (chosen) select.value = chosen;
}

export function savedCredentials() {
  return { token: sessionStorage.getItem(TOKEN_KEY) || "", who: sessionStorage.getItem(WHO_KEY) || "" };
}

export function saveCredentials(token, who) {
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(WHO_KEY, who);
}
