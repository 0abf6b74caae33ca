// The words of the booking page and the meeting confirmation mail, in the subsidiaries' languages.
// Transactional mail (the visitor asked for the meeting): no tracking, no marketing content.

export interface MeetingTexts {
  bookTitle: (fair: string) => string
  bookIntro: (place: string, stand: string) => string
  book: string
  noSlots: string
  booked: string
  bookedBody: string
  taken: string
  invalid: string
  expired: string
  subject: (fair: string) => string
  greeting: (name: string | null) => string
  confirm: (when: string, rep: string, stand: string, place: string) => string
  showCode: string
  calendar: string
}

export const MEETING_TEXTS: Record<'de' | 'en' | 'fr' | 'it' | 'es', MeetingTexts> = {
  de: {
    bookTitle: (fair) => `Gesprächstermin auf der ${fair}`,
    bookIntro: (place, stand) => `Wählen Sie einen freien Termin mit unseren Ansprechpartnern am Stand ${stand} (${place}).`,
    book: 'Termin buchen',
    noSlots: 'Zurzeit sind keine Termine frei.',
    booked: 'Ihr Termin ist gebucht',
    bookedBody: 'Die Bestätigung mit Ihrem QR-Code für den Stand ist unterwegs.',
    taken: 'Dieser Termin wurde gerade vergeben. Bitte wählen Sie einen anderen.',
    invalid: 'Dieser Link ist ungültig.',
    expired: 'Dieser Link ist abgelaufen.',
    subject: (fair) => `Ihr Termin auf der ${fair}`,
    greeting: (name) => (name ? `Guten Tag ${name},` : 'Guten Tag,'),
    confirm: (when, rep, stand, place) => `Ihr Gespräch mit ${rep} ist am ${when} an unserem Stand ${stand} (${place}).`,
    showCode: 'Zeigen Sie am Stand einfach diesen QR-Code vor:',
    calendar: 'Den Termin für Ihren Kalender finden Sie im Anhang.',
  },
  en: {
    bookTitle: (fair) => `Meet us at ${fair}`,
    bookIntro: (place, stand) => `Choose a free slot with our people at stand ${stand} (${place}).`,
    book: 'Book this slot',
    noSlots: 'There are no free slots at the moment.',
    booked: 'Your meeting is booked',
    bookedBody: 'The confirmation with your QR code for the stand is on its way.',
    taken: 'This slot was just taken. Please choose another one.',
    invalid: 'This link is not valid.',
    expired: 'This link has expired.',
    subject: (fair) => `Your meeting at ${fair}`,
    greeting: (name) => (name ? `Dear ${name},` : 'Hello,'),
    confirm: (when, rep, stand, place) => `Your meeting with ${rep} is on ${when} at our stand ${stand} (${place}).`,
    showCode: 'Just show this QR code at the stand:',
    calendar: 'The meeting for your calendar is attached.',
  },
  fr: {
    bookTitle: (fair) => `Rendez-vous au salon ${fair}`,
    bookIntro: (place, stand) => `Choisissez un créneau libre avec nos interlocuteurs sur le stand ${stand} (${place}).`,
    book: 'Réserver ce créneau',
    noSlots: 'Aucun créneau libre pour le moment.',
    booked: 'Votre rendez-vous est réservé',
    bookedBody: 'La confirmation avec votre code QR pour le stand est en route.',
    taken: 'Ce créneau vient d’être pris. Veuillez en choisir un autre.',
    invalid: 'Ce lien n’est pas valide.',
    expired: 'Ce lien a expiré.',
    subject: (fair) => `Votre rendez-vous au salon ${fair}`,
    greeting: (name) => (name ? `Bonjour ${name},` : 'Bonjour,'),
    confirm: (when, rep, stand, place) => `Votre entretien avec ${rep} a lieu le ${when} sur notre stand ${stand} (${place}).`,
    showCode: 'Présentez simplement ce code QR sur le stand :',
    calendar: 'Le rendez-vous pour votre agenda est en pièce jointe.',
  },
  it: {
    bookTitle: (fair) => `Appuntamento alla fiera ${fair}`,
    bookIntro: (place, stand) => `Scelga un orario libero con i nostri referenti allo stand ${stand} (${place}).`,
    book: 'Prenota questo orario',
    noSlots: 'Al momento non ci sono orari liberi.',
    booked: 'Il Suo appuntamento è prenotato',
    bookedBody: 'La conferma con il Suo codice QR per lo stand è in arrivo.',
    taken: 'Questo orario è appena stato preso. Ne scelga un altro.',
    invalid: 'Questo link non è valido.',
    expired: 'Questo link è scaduto.',
    subject: (fair) => `Il Suo appuntamento alla fiera ${fair}`,
    greeting: (name) => (name ? `Gentile ${name},` : 'Buongiorno,'),
    confirm: (when, rep, stand, place) => `Il Suo incontro con ${rep} è il ${when} al nostro stand ${stand} (${place}).`,
    showCode: 'Allo stand basta mostrare questo codice QR:',
    calendar: 'In allegato trova l’appuntamento per il Suo calendario.',
  },
  es: {
    bookTitle: (fair) => `Cita en la feria ${fair}`,
    bookIntro: (place, stand) => `Elija un horario libre con nuestros interlocutores en el stand ${stand} (${place}).`,
    book: 'Reservar este horario',
    noSlots: 'En este momento no hay horarios libres.',
    booked: 'Su cita está reservada',
    bookedBody: 'La confirmación con su código QR para el stand está en camino.',
    taken: 'Este horario acaba de ser reservado. Elija otro, por favor.',
    invalid: 'Este enlace no es válido.',
    expired: 'Este enlace ha caducado.',
    subject: (fair) => `Su cita en la feria ${fair}`,
    greeting: (name) => (name ? `Estimado/a ${name}:` : 'Hola:'),
    confirm: (when, rep, stand, place) => `Su reunión con ${rep} es el ${when} en nuestro stand ${stand} (${place}).`,
    showCode: 'Basta con mostrar este código QR en el stand:',
    calendar: 'Encontrará la cita para su calendario en el archivo adjunto.',
  },
}

export const meetingTextsFor = (locale: string | null | undefined): MeetingTexts => MEETING_TEXTS[(locale ?? 'de') as keyof typeof MEETING_TEXTS] ?? MEETING_TEXTS.de

/** "Tue, 5 May 2026, 10:30" in the visitor's language and the fair's time zone. */
export function formatSlot(locale: string, timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone }).format(at)
}
