// The double opt-in mail and pages in the subsidiaries' languages. Transactional, so deliberately plain:
// no tracking pixel, no tracked links, nothing that could count as marketing before consent is given.
export type ConsentLocale = 'de' | 'fr' | 'it' | 'es' | 'en'

export interface ConfirmationTexts {
  subject: string
  greeting: (name: string | null) => string
  body: (form: string) => string
  button: string
  validity: (days: number) => string
  ignore: string
  confirmedTitle: string
  confirmedBody: string
  submittedTitle: string
  submittedBody: string
  submittedNoConsent: string
  download: string
  invalidTitle: string
  invalidBody: string
  expiredTitle: string
  expiredBody: string
  formErrorTitle: string
}

export const CONFIRMATION_TEXTS: Record<ConsentLocale, ConfirmationTexts> = {
  de: {
    subject: 'Bitte bestätigen Sie Ihre Anmeldung',
    greeting: (name) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
    body: (form) => `vielen Dank für Ihr Interesse („${form}“). Bitte bestätigen Sie, dass wir Ihnen Informationen zu unseren Produkten per E-Mail senden dürfen:`,
    button: 'Anmeldung bestätigen',
    validity: (days) => `Der Link ist ${days} Tage gültig.`,
    ignore: 'Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese E-Mail einfach.',
    confirmedTitle: 'Vielen Dank – Ihre Anmeldung ist bestätigt',
    confirmedBody: 'Sie erhalten ab jetzt Informationen von uns. Abmelden können Sie sich jederzeit über den Link in jeder E-Mail.',
    submittedTitle: 'Vielen Dank!',
    submittedBody: 'Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie darin Ihre Anmeldung.',
    submittedNoConsent: 'Ihre Anfrage ist eingegangen.',
    download: 'Jetzt herunterladen',
    invalidTitle: 'Dieser Link ist ungültig',
    invalidBody: 'Der Bestätigungslink ist unvollständig oder wurde verändert. Bitte verwenden Sie den Link aus unserer E-Mail.',
    expiredTitle: 'Dieser Link ist abgelaufen',
    expiredBody: 'Bitte füllen Sie das Formular erneut aus; Sie erhalten dann einen neuen Bestätigungslink.',
    formErrorTitle: 'Bitte prüfen Sie Ihre Angaben',
  },
  fr: {
    subject: 'Veuillez confirmer votre inscription',
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    body: (form) => `merci de votre intérêt (« ${form} »). Veuillez confirmer que nous pouvons vous envoyer des informations sur nos produits par e-mail :`,
    button: 'Confirmer mon inscription',
    validity: (days) => `Ce lien est valable ${days} jours.`,
    ignore: 'Si vous ne vous êtes pas inscrit, ignorez simplement cet e-mail.',
    confirmedTitle: 'Merci – votre inscription est confirmée',
    confirmedBody: 'Vous recevrez désormais nos informations. Vous pouvez vous désinscrire à tout moment via le lien présent dans chaque e-mail.',
    submittedTitle: 'Merci !',
    submittedBody: 'Nous vous avons envoyé un e-mail. Veuillez y confirmer votre inscription.',
    submittedNoConsent: 'Votre demande a bien été reçue.',
    download: 'Télécharger maintenant',
    invalidTitle: 'Ce lien n’est pas valide',
    invalidBody: 'Le lien de confirmation est incomplet ou a été modifié. Veuillez utiliser le lien de notre e-mail.',
    expiredTitle: 'Ce lien a expiré',
    expiredBody: 'Veuillez remplir à nouveau le formulaire ; vous recevrez un nouveau lien de confirmation.',
    formErrorTitle: 'Veuillez vérifier vos informations',
  },
  it: {
    subject: 'Conferma la tua iscrizione',
    greeting: (name) => (name ? `Buongiorno ${name},` : 'Buongiorno,'),
    body: (form) => `grazie per il suo interesse («${form}»). Confermi che possiamo inviarle informazioni sui nostri prodotti via e-mail:`,
    button: 'Confermare l’iscrizione',
    validity: (days) => `Il link è valido ${days} giorni.`,
    ignore: 'Se non si è iscritto, ignori semplicemente questa e-mail.',
    confirmedTitle: 'Grazie – la sua iscrizione è confermata',
    confirmedBody: 'D’ora in poi riceverà le nostre informazioni. Può disiscriversi in qualsiasi momento tramite il link in ogni e-mail.',
    submittedTitle: 'Grazie!',
    submittedBody: 'Le abbiamo inviato un’e-mail. La preghiamo di confermare lì la sua iscrizione.',
    submittedNoConsent: 'La sua richiesta è stata ricevuta.',
    download: 'Scarica ora',
    invalidTitle: 'Questo link non è valido',
    invalidBody: 'Il link di conferma è incompleto o è stato modificato. Utilizzi il link della nostra e-mail.',
    expiredTitle: 'Questo link è scaduto',
    expiredBody: 'Compili di nuovo il modulo; riceverà un nuovo link di conferma.',
    formErrorTitle: 'Controlli i dati inseriti',
  },
  es: {
    subject: 'Confirme su suscripción',
    greeting: (name) => (name ? `Buenos días, ${name}:` : 'Buenos días:'),
    body: (form) => `gracias por su interés («${form}»). Confirme que podemos enviarle información sobre nuestros productos por correo electrónico:`,
    button: 'Confirmar suscripción',
    validity: (days) => `El enlace es válido durante ${days} días.`,
    ignore: 'Si no se ha suscrito, simplemente ignore este correo.',
    confirmedTitle: 'Gracias: su suscripción está confirmada',
    confirmedBody: 'A partir de ahora recibirá nuestra información. Puede darse de baja en cualquier momento con el enlace de cada correo.',
    submittedTitle: '¡Gracias!',
    submittedBody: 'Le hemos enviado un correo electrónico. Confirme en él su suscripción.',
    submittedNoConsent: 'Hemos recibido su solicitud.',
    download: 'Descargar ahora',
    invalidTitle: 'Este enlace no es válido',
    invalidBody: 'El enlace de confirmación está incompleto o ha sido modificado. Utilice el enlace de nuestro correo.',
    expiredTitle: 'Este enlace ha caducado',
    expiredBody: 'Vuelva a rellenar el formulario; recibirá un nuevo enlace de confirmación.',
    formErrorTitle: 'Revise sus datos',
  },
  en: {
    subject: 'Please confirm your subscription',
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    body: (form) => `thank you for your interest ("${form}"). Please confirm that we may send you information about our products by e-mail:`,
    button: 'Confirm subscription',
    validity: (days) => `The link is valid for ${days} days.`,
    ignore: 'If you did not sign up, simply ignore this e-mail.',
    confirmedTitle: 'Thank you – your subscription is confirmed',
    confirmedBody: 'From now on you will receive our news. You can unsubscribe at any time through the link in every e-mail.',
    submittedTitle: 'Thank you!',
    submittedBody: 'We have sent you an e-mail. Please confirm your subscription there.',
    submittedNoConsent: 'We have received your request.',
    download: 'Download now',
    invalidTitle: 'This link is invalid',
    invalidBody: 'The confirmation link is incomplete or has been altered. Please use the link from our e-mail.',
    expiredTitle: 'This link has expired',
    expiredBody: 'Please fill in the form again; you will receive a new confirmation link.',
    formErrorTitle: 'Please check your details',
  },
}

export function textsFor(locale: string | null | undefined): ConfirmationTexts {
  return CONFIRMATION_TEXTS[(locale ?? 'de') as ConsentLocale] ?? CONFIRMATION_TEXTS.en
}

export const escapeHtml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')

/** A small public page (form answer, confirmation), in the contact's language. */
export function publicPage(locale: string, title: string, paragraphs: string[], extraHtml = ''): string {
  return `<!doctype html><html lang="${escapeHtml(locale)}"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)}</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d2b36">
<h1 style="color:#0b4f8a">${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
${extraHtml}
</body></html>`
}
