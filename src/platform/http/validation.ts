import { ValidationPipe, type ArgumentMetadata, type ValidationError as ClassValidatorError } from '@nestjs/common';
import { ValidationError, type FieldError } from '../../shared-kernel';

/**
 * Validates every body, query and param DTO: unknown properties are rejected (a typo in
 * a field name is an error, not a silent default) and each failure names its field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ClassDtoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationError('The request has invalid fields', flatten(errors)),
  });
}

export function flatten(errors: readonly ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({
      field,
      // class-validator says "property x should not exist"; name the field plainly.
      message: code === 'whitelistValidation' ? `${field} is not an accepted field` : message,
      code,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Validates class-validator DTO classes only. A parameter typed by a contract's zod schema
 * (whose name is a value as well as a type) carries that schema object as its design type:
 * it is validated by its own ZodPipe, never here.
 */
class ClassDtoValidationPipe extends ValidationPipe {
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    return typeof metadata.metatype === 'function' && super.toValidate(metadata);
  }
}
