import type { Sql, TransactionSql } from 'postgres'

// The demo's e-book download form ("Schluss mit Antriebslosigkeit"), one per subsidiary so the page,
// the consent text and the confirmation mail are in the visitor's language, and version 1 of the
// marketing consent text that the forms show. Idempotent: an existing demo account gets them too.
export const EBOOK_FORM_KEY = 'ebook-antriebslosigkeit'
export const EBOOK_NAME = 'E-Book „Schluss mit Antriebslosigkeit“'
export const EBOOK_URL = 'https://www.kessler-hydraulik.example/downloads/schluss-mit-antriebslosigkeit.pdf'

export const MARKETING_CONSENT_V1: Record<string, string> = {
  de: 'Ja, ich möchte Informationen der Kessler Hydraulik GmbH und ihrer Landesgesellschaften zu Produkten, Service und Fachveranstaltungen per E-Mail erhalten. Meine Einwilligung kann ich jederzeit über den Abmeldelink in jeder E-Mail widerrufen.',
  fr: 'Oui, je souhaite recevoir par e-mail des informations de Kessler Hydraulik GmbH et de ses filiales sur les produits, le service et les événements techniques. Je peux retirer mon consentement à tout moment via le lien de désinscription présent dans chaque e-mail.',
  it: 'Sì, desidero ricevere via e-mail informazioni di Kessler Hydraulik GmbH e delle sue filiali su prodotti, assistenza ed eventi tecnici. Posso revocare il mio consenso in qualsiasi momento tramite il link di disiscrizione presente in ogni e-mail.',
  es: 'Sí, deseo recibir por correo electrónico información de Kessler Hydraulik GmbH y sus filiales sobre productos, servicio y eventos técnicos. Puedo retirar mi consentimiento en cualquier momento mediante el enlace de baja incluido en cada correo.',
  en: 'Yes, I would like to receive information from Kessler Hydraulik GmbH and its subsidiaries about products, service and technical events by e-mail. I can withdraw my consent at any time through the unsubscribe link in every e-mail.',
}

export async function seedFormsAndConsentTexts(sql: Sql | TransactionSql, accountId: string): Promise<void> {
  for (const [locale, text] of Object.entries(MARKETING_CONSENT_V1)) {
    await sql`
      insert into consent_texts (account_id, purpose, version, locale, text) values (${accountId}, 'marketing', 1, ${locale}, ${text})
      on conflict (account_id, purpose, version, locale) do nothing`
  }
  const subsidiaries = await sql<{ id: string; code: string; is_headquarters: boolean }[]>`select id, code, is_headquarters from subsidiaries where account_id = ${accountId}`
  for (const s of subsidiaries) {
    const key = s.is_headquarters ? EBOOK_FORM_KEY : `${EBOOK_FORM_KEY}-${s.code.toLowerCase()}`
    await sql`
      insert into web_forms (account_id, subsidiary_id, public_key, name, consent_purpose, asset_url)
      values (${accountId}, ${s.id}, ${key}, ${EBOOK_NAME}, 'marketing', ${EBOOK_URL})
      on conflict (public_key) do nothing`
  }
}
