// Between a validated person and its stored row: identifiers sealed with AES-GCM plus an HMAC for
// exact lookup on the way in; masked (or, when revealed, clear) on the way out.
import type { PersonTable } from '../db/database.ts';
import type { FieldCipher } from '../platform/crypto.ts';
import { maskIdNumber, maskPhone } from '../platform/mask.ts';
import { CARE_TAGS, type CareTag, type PersonInput } from './registry.rules.ts';

export type SealedPerson = Omit<PersonTable, 'id' | 'household_id' | 'area_id' | 'created_at' | 'updated_at'>;

/** Lookup digest of an ID number: the type is part of it so a passport and a resident ID never collide. */
export function idLookup(cipher: FieldCipher, idType: string, idNumber: string): string {
  return cipher.lookup(`id:${idType}`, idNumber);
}

export function phoneLookup(cipher: FieldCipher, phone: string): string {
  return cipher.lookup('phone', phone);
}

export function sealPerson(cipher: FieldCipher, p: PersonInput): SealedPerson {
  return {
    name: p.name,
    id_type: p.idType,
    id_enc: p.idNumber ? cipher.encrypt(p.idNumber) : null,
    id_hmac: p.idNumber ? idLookup(cipher, p.idType, p.idNumber) : null,
    birth_date: p.birthDate,
    sex: p.sex,
    phone_enc: p.phone ? cipher.encrypt(p.phone) : null,
    phone_hmac: p.phone ? phoneLookup(cipher, p.phone) : null,
    relation: p.relation,
    elderly_alone: p.careTags.includes('elderly_alone') ? 1 : 0,
    bedridden: p.careTags.includes('bedridden') ? 1 : 0,
    pregnant: p.careTags.includes('pregnant') ? 1 : 0,
    dialysis: p.careTags.includes('dialysis') ? 1 : 0,
    no_smartphone: p.careTags.includes('no_smartphone') ? 1 : 0,
    note: p.note,
  };
}

export function careTagsOf(row: Pick<PersonTable, CareTag>): CareTag[] {
  return CARE_TAGS.filter((t) => row[t] === 1);
}

export interface PersonIdentifiers {
  idNumber: string | null;
  phone: string | null;
}

/** Masked identifiers, or clear ones when `reveal` is true (the caller has checked and audited). */
export function openIdentifiers(
  cipher: FieldCipher,
  row: Pick<PersonTable, 'id_enc' | 'phone_enc'>,
  reveal: boolean,
): PersonIdentifiers {
  const id = row.id_enc ? cipher.decrypt(row.id_enc) : null;
  const phone = row.phone_enc ? cipher.decrypt(row.phone_enc) : null;
  return reveal ? { idNumber: id, phone } : { idNumber: maskIdNumber(id), phone: maskPhone(phone) };
}
