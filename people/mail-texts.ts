// The invitation and password-reset mails, in the five UI languages (the user's, else English).

export const MAIL_LANGUAGES = ['en', 'de', 'fr', 'it', 'es'] as const
export type MailLanguage = (typeof MAIL_LANGUAGES)[number]

interface LinkMail {
  subject: string
  /** {name}, {inviter}, {link}, {valid} are filled in. */
  body: string
}

export const INVITATION_MAIL: Record<MailLanguage, LinkMail> = {
  en: { subject: 'You are invited to Kessler Campaigns', body: 'Hello {name},\n\n{inviter} has invited you to Kessler Campaigns. Choose your password here:\n\n{link}\n\nThe link works once and until {valid}.' },
  de: { subject: 'Einladung zu Kessler Campaigns', body: 'Hallo {name},\n\n{inviter} hat Sie zu Kessler Campaigns eingeladen. Wählen Sie hier Ihr Passwort:\n\n{link}\n\nDer Link gilt einmal und bis {valid}.' },
  fr: { subject: 'Invitation à Kessler Campaigns', body: 'Bonjour {name},\n\n{inviter} vous invite à Kessler Campaigns. Choisissez votre mot de passe ici :\n\n{link}\n\nLe lien ne sert qu’une fois et jusqu’au {valid}.' },
  it: { subject: 'Invito a Kessler Campaigns', body: 'Buongiorno {name},\n\n{inviter} la invita a Kessler Campaigns. Scelga qui la sua password:\n\n{link}\n\nIl link vale una sola volta e fino al {valid}.' },
  es: { subject: 'Invitación a Kessler Campaigns', body: 'Hola {name}:\n\n{inviter} le invita a Kessler Campaigns. Elija aquí su contraseña:\n\n{link}\n\nEl enlace sirve una sola vez y hasta el {valid}.' },
}

export const RESET_MAIL: Record<MailLanguage, LinkMail> = {
  en: { subject: 'Reset your Kessler Campaigns password', body: 'Hello {name},\n\nsomeone (hopefully you) asked to reset your password. Choose a new one here:\n\n{link}\n\nThe link works once and until {valid}. If it was not you, ignore this mail: your password stays as it is.' },
  de: { subject: 'Kessler Campaigns: Passwort zurücksetzen', body: 'Hallo {name},\n\njemand (hoffentlich Sie) möchte Ihr Passwort zurücksetzen. Wählen Sie hier ein neues:\n\n{link}\n\nDer Link gilt einmal und bis {valid}. Waren Sie es nicht, ignorieren Sie diese Mail: Ihr Passwort bleibt, wie es ist.' },
  fr: { subject: 'Kessler Campaigns : réinitialiser votre mot de passe', body: 'Bonjour {name},\n\nquelqu’un (vous, espérons-le) a demandé à réinitialiser votre mot de passe. Choisissez-en un nouveau ici :\n\n{link}\n\nLe lien ne sert qu’une fois et jusqu’au {valid}. Si ce n’était pas vous, ignorez ce message : votre mot de passe ne change pas.' },
  it: { subject: 'Kessler Campaigns: reimpostare la password', body: 'Buongiorno {name},\n\nqualcuno (speriamo lei) ha chiesto di reimpostare la sua password. Ne scelga una nuova qui:\n\n{link}\n\nIl link vale una sola volta e fino al {valid}. Se non è stato lei, ignori questa mail: la password resta invariata.' },
  es: { subject: 'Kessler Campaigns: restablecer la contraseña', body: 'Hola {name}:\n\nalguien (esperamos que usted) ha pedido restablecer su contraseña. Elija una nueva aquí:\n\n{link}\n\nEl enlace sirve una sola vez y hasta el {valid}. Si no fue usted, ignore este correo: su contraseña no cambia.' },
}

export function linkMail(texts: Record<MailLanguage, LinkMail>, locale: string | null, values: { name: string; inviter?: string; link: string; validUntil: Date }): { subject: string; text: string } {
  const language = (MAIL_LANGUAGES as readonly string[]).includes(locale ?? '') ? (locale as MailLanguage) : 'en'
  const valid = `${new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(values.validUntil)} UTC`
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, key: string) => ({ name: values.name, inviter: values.inviter ?? '', link: values.link, valid })[key] ?? whole)
  return { subject: texts[language].subject, text: fill(texts[language].body) }
}
