import { words, type FieldsUi } from './ui'

// The panel's words for contact rules (contact-rules.ts), shared by the trigger's audience and the
// condition's rule sets.

export const RULE_FIELDS = {
  match: {
    label: words('match', 'zutreffen müssen', 'correspondance', 'corrispondenza', 'coincidencia'),
    help: words(
      'Whether all rules must hold or any one is enough.',
      'Ob alle Regeln zutreffen müssen oder eine genügt.',
      'Si toutes les règles doivent être vraies ou si une seule suffit.',
      'Se tutte le regole devono valere o ne basta una.',
      'Si deben cumplirse todas las reglas o basta con una.',
    ),
    widget: 'choice',
    choices: {
      all: words('all rules', 'alle Regeln', 'toutes les règles', 'tutte le regole', 'todas las reglas'),
      any: words('any rule', 'eine Regel', 'une règle', 'una regola', 'alguna regla'),
    },
  },
  rules: {
    label: words('rules', 'Regeln', 'règles', 'regole', 'reglas'),
    help: words(
      'What must be true of the contact.',
      'Was für den Kontakt gelten muss.',
      'Ce qui doit être vrai pour le contact.',
      'Ciò che deve valere per il contatto.',
      'Lo que debe cumplirse para el contacto.',
    ),
    widget: 'list',
  },
  kind: {
    label: words('rule on', 'Regel zu', 'règle sur', 'regola su', 'regla sobre'),
    help: words(
      'What the rule looks at.',
      'Worauf die Regel schaut.',
      'Ce que regarde la règle.',
      'Cosa guarda la regola.',
      'Lo que mira la regla.',
    ),
    widget: 'variant',
    choices: {
      attribute: words('an attribute', 'ein Attribut', 'un attribut', 'un attributo', 'un atributo'),
      tag: words('a tag', 'ein Tag', 'un tag', 'un tag', 'una etiqueta'),
      consent: words('consent', 'Einwilligung', 'consentement', 'consenso', 'consentimiento'),
      subsidiary: words('subsidiary', 'Niederlassung', 'filiale', 'filiale', 'filial'),
      persona: words('a persona', 'eine Persona', 'un persona', 'una persona', 'un buyer persona'),
      score: words('the score', 'der Score', 'le score', 'il punteggio', 'la puntuación'),
      segment: words('a segment (planned)', 'ein Segment (geplant)', 'un segment (prévu)', 'un segmento (previsto)', 'un segmento (previsto)'),
    },
  },
  attribute: {
    label: words('attribute', 'Attribut', 'attribut', 'attributo', 'atributo'),
    help: words(
      'A contact attribute, e.g. industry.',
      'Ein Attribut des Kontakts, z. B. industry.',
      'Un attribut du contact, p. ex. industry.',
      'Un attributo del contatto, ad es. industry.',
      'Un atributo del contacto, p. ej. industry.',
    ),
    widget: 'text',
  },
  operator: {
    label: words('operator', 'Vergleich', 'opérateur', 'operatore', 'operador'),
    help: words('How the value is compared.', 'Wie der Wert verglichen wird.', 'Comment la valeur est comparée.', 'Come si confronta il valore.', 'Cómo se compara el valor.'),
    widget: 'choice',
    choices: {
      equals: words('equals', 'ist gleich', 'égal à', 'uguale a', 'igual a'),
      not_equals: words('does not equal', 'ist ungleich', 'différent de', 'diverso da', 'distinto de'),
      exists: words('is set', 'ist gesetzt', 'est défini', 'è impostato', 'está definido'),
      not_exists: words('is not set', 'ist nicht gesetzt', 'n’est pas défini', 'non è impostato', 'no está definido'),
      greater_than: words('greater than', 'größer als', 'supérieur à', 'maggiore di', 'mayor que'),
      less_than: words('less than', 'kleiner als', 'inférieur à', 'minore di', 'menor que'),
      contains: words('contains', 'enthält', 'contient', 'contiene', 'contiene'),
      has: words('has', 'hat', 'a', 'ha', 'tiene'),
      has_not: words('has not', 'hat nicht', 'n’a pas', 'non ha', 'no tiene'),
      is: words('is', 'ist', 'est', 'è', 'es'),
      is_not: words('is not', 'ist nicht', 'n’est pas', 'non è', 'no es'),
      matches: words('matches', 'passt zu', 'correspond à', 'corrisponde a', 'coincide con'),
      not_matches: words('does not match', 'passt nicht zu', 'ne correspond pas à', 'non corrisponde a', 'no coincide con'),
      in: words('in', 'in', 'dans', 'in', 'en'),
      not_in: words('not in', 'nicht in', 'pas dans', 'non in', 'no en'),
    },
  },
  value: {
    label: words('value', 'Wert', 'valeur', 'valore', 'valor'),
    help: words('Text, a number or true/false.', 'Text, eine Zahl oder true/false.', 'Du texte, un nombre ou true/false.', 'Testo, un numero o true/false.', 'Texto, un número o true/false.'),
    widget: 'value',
  },
  tag: {
    label: words('tag', 'Tag', 'tag', 'tag', 'etiqueta'),
    help: words('A tag of the contact.', 'Ein Tag des Kontakts.', 'Un tag du contact.', 'Un tag del contatto.', 'Una etiqueta del contacto.'),
    widget: 'text',
  },
  status: {
    label: words('consent status', 'Einwilligungsstatus', 'statut du consentement', 'stato del consenso', 'estado del consentimiento'),
    help: words(
      'The contact’s marketing consent.',
      'Die Marketing-Einwilligung des Kontakts.',
      'Le consentement marketing du contact.',
      'Il consenso marketing del contatto.',
      'El consentimiento de marketing del contacto.',
    ),
    widget: 'choice',
    choices: {
      none: words('none', 'keine', 'aucun', 'nessuno', 'ninguno'),
      pending: words('pending', 'ausstehend', 'en attente', 'in attesa', 'pendiente'),
      granted: words('granted', 'erteilt', 'accordé', 'concesso', 'concedido'),
      revoked: words('revoked', 'widerrufen', 'révoqué', 'revocato', 'revocado'),
    },
  },
  codes: {
    label: words('subsidiaries', 'Niederlassungen', 'filiales', 'filiali', 'filiales'),
    help: words('Codes such as DE or FR.', 'Kürzel wie DE oder FR.', 'Des codes comme DE ou FR.', 'Codici come DE o FR.', 'Códigos como DE o FR.'),
    widget: 'list',
    item: 'text',
  },
  persona: {
    label: words('persona', 'Persona', 'persona', 'persona', 'buyer persona'),
    help: words(
      'One of the account’s personas.',
      'Eine der Personas des Kontos.',
      'Un des personas du compte.',
      'Una delle persona dell’account.',
      'Uno de los buyer personas de la cuenta.',
    ),
    widget: 'persona',
  },
  cells: {
    label: words('score cells', 'Score-Felder', 'cases du score', 'celle del punteggio', 'casillas de puntuación'),
    help: words('Cells from A1 to D4.', 'Felder von A1 bis D4.', 'Des cases de A1 à D4.', 'Celle da A1 a D4.', 'Casillas de A1 a D4.'),
    widget: 'list',
    item: 'text',
  },
} satisfies FieldsUi
