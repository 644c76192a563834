/** The longest a phone or ID field lets a person type: room for the spaces, dashes and
 *  full-width forms people type (`138 0013 8000`, `１３８-００１３-８０００`); the rule itself is
 *  checked on the compacted value, in validation.ts and in Rust. A field cut at 11 or 18 raw
 *  characters would drop the last digits of a spaced number. Apart from validation.ts so the
 *  login screen does not ship the registration's rules. */
export const PHONE_INPUT_MAX = 20;
export const ID_INPUT_MAX = 24;
